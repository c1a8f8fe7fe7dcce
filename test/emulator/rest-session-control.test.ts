/** REST: signals from the server (from null) and forced disconnects, as SDKs send them. */
import type { FakeBrowser } from './support/fake-browser';
import { createSession, rest } from './support/platform-client';
import { useSharedEmulator } from './support/shared-emulator';

const emu = useSharedEmulator();
const join = (sessionId: string): Promise<FakeBrowser> => emu.join(sessionId);

const sessionPath = (sessionId: string, suffix: string) =>
  `/v2/project/${emu.apiKey}/session/${encodeURIComponent(sessionId)}${suffix}`;

it('signals every client or one connection with from null, and enforces the limits', async () => {
  const sessionId = await createSession(emu);
  const alice = await join(sessionId);
  const bob = await join(sessionId);
  const all = await rest(emu, 'POST', sessionPath(sessionId, '/signal'), {
    body: { type: 'notice', data: 'to all' },
  });
  expect(all.status).toBe(204);
  for (const b of [alice, bob]) {
    expect(await b.waitFor((m) => m.type === 'signal')).toEqual({
      type: 'signal',
      from: null,
      signalType: 'notice',
      data: 'to all',
    });
  }
  const one = await rest(emu, 'POST', sessionPath(sessionId, `/connection/${bob.connectionId}/signal`), {
    body: { data: 'just bob' },
  });
  expect(one.status).toBe(204);
  await bob.waitFor((m) => m.type === 'signal' && m.data === 'just bob');
  expect(alice.received.some((m) => m.type === 'signal' && m.data === 'just bob')).toBe(false);

  expect(
    (await rest(emu, 'POST', sessionPath(sessionId, '/signal'), { body: { data: 'x'.repeat(8193) } })).status,
  ).toBe(413);
  expect(
    (await rest(emu, 'POST', sessionPath(sessionId, '/connection/nobody/signal'), { body: { data: 'x' } }))
      .status,
  ).toBe(404);
  expect((await rest(emu, 'POST', sessionPath('1_unknown', '/signal'), { body: {} })).status).toBe(404);
  expect((await rest(emu, 'POST', sessionPath(sessionId, '/signal'), { body: {}, jwt: null })).status).toBe(
    403,
  );
});

it('forces a connection out: it is told, others see forceDisconnected, an unknown one is 404', async () => {
  const sessionId = await createSession(emu);
  const alice = await join(sessionId);
  const bob = await join(sessionId);
  expect((await rest(emu, 'DELETE', sessionPath(sessionId, `/connection/${bob.connectionId}`))).status).toBe(
    204,
  );
  expect(await bob.waitFor((m) => m.type === 'disconnected')).toEqual({
    type: 'disconnected',
    reason: 'forceDisconnected',
  });
  expect(await alice.waitFor((m) => m.type === 'connectionDestroyed')).toMatchObject({
    reason: 'forceDisconnected',
  });
  expect((await rest(emu, 'DELETE', sessionPath(sessionId, `/connection/${bob.connectionId}`))).status).toBe(
    404,
  );
});
