/** The local platform emulator: the platform's REST API, a realtime server and archive storage, in one module. */
import type { Server } from 'node:http';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { createArchiveLifecycle } from './archives/archive-lifecycle';
import { createDownloadLinks } from './archives/download-links';
import { loadApplication } from './application';
import { describeSecretSource, loadCredentials } from './credentials';
import { resolveLimits, type EmulatorLimits } from './limits';
import { createMediaFiles } from './media/media-files';
import { createUploads } from './media/uploads';
import type { IceServer } from '../protocol/realtime';
import { createClientMessenger } from './realtime/client-messenger';
import { createPresenceRegistry } from './realtime/presence-registry';
import { isLoopbackOrigin } from './realtime/loopback-origin';
import { createRealtimeServer } from './realtime/realtime-server';
import { createSessionHub } from './realtime/session-hub';
import { createSignaling } from './realtime/signaling';
import { createArchiveHandlers } from './rest/archive-routes';
import { createEmulatorRouter } from './rest/emulator-router';
import { createMediaHandlers } from './rest/media-routes';
import { createSessionControlHandlers } from './rest/session-control-routes';
import { createSessionHandler } from './rest/session-routes';
import { createStreamHandlers } from './rest/stream-routes';
import { openRecordFilesStore } from './storage/record-files-store';

export { LOCAL_API_KEY } from './credentials';
export type { EmulatorLimits } from './limits';
export type { IceServer } from '../protocol/realtime';
export { DEFAULT_LIMITS } from './limits';

export interface EmulatorOptions {
  /** DATA_DIR: sessions, archives and media live here and survive restarts */
  dataDir: string;
  /** EMULATOR_API_KEY, digits only; with apiSecret or neither (a CredentialsError otherwise); default LOCAL_API_KEY */
  apiKey?: string;
  /** EMULATOR_API_SECRET, with apiKey; default a secret generated on first run and kept in dataDir */
  apiSecret?: string;
  /** EMULATOR_APPLICATION_ID, a UUID; with privateKeyPath or neither; default an application generated in dataDir */
  applicationId?: string;
  /** EMULATOR_PRIVATE_KEY_PATH: the application's RSA private key (PEM); only its public half is kept */
  privateKeyPath?: string;
  logger: Logger;
  /** where the router is mounted; default '/emulator' */
  basePath?: string;
  /** epoch ms; a test seam */
  clock?: () => number;
  limits?: Partial<EmulatorLimits>;
  /** ICE_SERVERS: STUN/TURN servers every client uses for its peer connections; default none (one machine) */
  iceServers?: readonly IceServer[];
  /** Which page origins may open the realtime WebSocket (undefined: a non-browser client); default loopback pages */
  isAllowedOrigin?: (origin: string | undefined) => boolean;
}

export interface Emulator {
  readonly apiKey: string;
  /** server-side only: the app's SDK needs it in local mode */
  readonly apiSecret: string;
  /** the Vonage application served beside the project */
  readonly applicationId: string;
  /** the file holding the application's private key, for an SDK in local mode; the emulator never reads it again */
  readonly privateKeyPath: string;
  readonly basePath: string;
  /** mount with app.use(emulator.basePath, emulator.router) */
  readonly router: Router;
  /** serves WebSocket upgrades on `${basePath}/realtime` */
  attach(server: Server): void;
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions): Promise<Emulator> {
  const logger = options.logger.child({ component: 'emulator' });
  const clock = options.clock ?? Date.now;
  const basePath = (options.basePath ?? '/emulator').replace(/\/+$/, '');
  const limits = resolveLimits(options.limits);
  // The state is checked before anything is written: a start it stops has changed nothing in the data folder.
  const store = await openRecordFilesStore(options.dataDir, { logger });
  const credentials = await loadCredentials(options);
  const { apiKey, apiSecret } = credentials;
  const application = await loadApplication(options);
  const applicationKey = { applicationId: application.applicationId, publicKey: application.publicKey };
  const media = createMediaFiles(options.dataDir);
  await media.removeStaleFiles();

  // Built in the order they depend on each other; every arrow points one way. The hub tells the archive
  // lifecycle of presence (PresenceListener); the lifecycle reads presence from the registry and talks to
  // clients through the messenger, and never calls the hub.
  const presence = createPresenceRegistry();
  const messenger = createClientMessenger(presence);
  const archives = createArchiveLifecycle({ store, media, presence, messenger, clock, limits, logger });
  await archives.recover();
  const hub = createSessionHub({
    presence,
    messenger,
    listener: archives,
    archiveStatus: archives,
    clock,
    reconnectGraceMs: limits.reconnectGraceMs,
    iceServers: options.iceServers,
  });
  const signaling = createSignaling({ presence, messenger });
  const uploads = createUploads({ presence, archives, media, limits });

  const links = createDownloadLinks({ apiSecret, ttlMs: limits.downloadUrlTtlMs });
  const router = createEmulatorRouter({
    auth: { apiKey, apiSecret, application: applicationKey, clock, clockSkewMs: limits.clockSkewMs },
    createSession: createSessionHandler({ store, clock }),
    archives: createArchiveHandlers({ lifecycle: archives, links, basePath, clock }),
    media: createMediaHandlers({ uploads, archives, media, links, clock }),
    sessionControl: createSessionControlHandlers({ sessions: store, presence, signaling, hub }),
    streams: createStreamHandlers({ sessions: store, presence, archives }),
    maxChunkBytes: limits.maxChunkBytes,
    logger,
  });
  const realtime = createRealtimeServer({
    hub,
    signaling,
    sessions: store,
    apiKey,
    apiSecret,
    application: applicationKey,
    basePath,
    clock,
    limits,
    logger,
    isAllowedOrigin: options.isAllowedOrigin ?? isLoopbackOrigin,
  });

  logger.info(
    {
      apiKey,
      apiSecretFrom: describeSecretSource(credentials, options.dataDir),
      applicationId: application.applicationId,
      privateKeyPath: application.privateKeyPath,
      dataDir: options.dataDir,
      basePath,
    },
    'platform emulator ready',
  );

  let closing: Promise<void> | null = null;
  return {
    apiKey,
    apiSecret,
    applicationId: application.applicationId,
    privateKeyPath: application.privateKeyPath,
    basePath,
    router,
    attach: (server) => realtime.attach(server),
    close() {
      closing ??= (async () => {
        await realtime.close();
        hub.close();
        await archives.close();
      })();
      return closing;
    },
  };
}
