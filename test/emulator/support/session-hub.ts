/** A session hub on its own, with the claims of a publisher's token, for tests of the hub's bookkeeping. */
import { createClientMessenger } from '../../../src/emulator/realtime/client-messenger';
import { createPresenceRegistry } from '../../../src/emulator/realtime/presence-registry';
import { createSessionHub, type PresenceListener } from '../../../src/emulator/realtime/session-hub';

/** A listener that ignores presence: no archive lifecycle behind the hub. */
const IGNORING_LISTENER: PresenceListener = {
  connectionCreated: () => undefined,
  connectionDestroyed: () => undefined,
  streamsChanged: () => undefined,
};

/** The claims of a publisher's client token for session `s1`. */
export const PUBLISHER_CLAIMS = {
  sessionId: 's1',
  role: 'publisher' as const,
  connectionData: '',
  expireTime: 0,
  initialLayoutClassList: '',
};

/** A hub with no archive running, whose clients that lost their socket may resume within `reconnectGraceMs`. */
export function createTestHub(reconnectGraceMs: number) {
  const presence = createPresenceRegistry();
  const messenger = createClientMessenger(presence);
  const hub = createSessionHub({
    presence,
    messenger,
    listener: IGNORING_LISTENER,
    archiveStatus: { currentArchive: () => null },
    clock: Date.now,
    reconnectGraceMs,
  });
  return { presence, messenger, hub };
}
