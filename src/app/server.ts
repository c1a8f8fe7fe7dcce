/** Composition root: reads .env, validates the configuration, starts the emulator in local mode, listens. */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dotenv from 'dotenv';
import pino, { type Logger } from 'pino';
import { createEmulator, type Emulator } from '../emulator';
import { OpenTok } from '../sdk';
import { createApp } from './app';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createHostPolicy } from './host-policy';
import { loadCsrfKey } from './state/csrf-key';
import { openStateStore } from './state/open-state-store';

export interface RunningServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

const EMULATOR_BASE_PATH = '/emulator';

/**
 * Listens first and builds the app afterwards: in local mode the SDK talks to the emulator on this very
 * server, whose URL is known only once the port is bound (PORT=0 in tests).
 */
export async function startServer(config: AppConfig, logger: Logger): Promise<RunningServer> {
  // Before anything listens: an instance that cannot reach the shared store must not serve pages of its own.
  const store = await openStateStore(config, logger);
  let csrfKey: Buffer;
  try {
    csrfKey = await loadCsrfKey(config.sessionSecret, store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const emulator =
    config.mode === 'local'
      ? await createEmulator({
          dataDir: config.emulator.dataDir,
          apiKey: config.emulator.apiKey,
          apiSecret: config.emulator.apiSecret,
          applicationId: config.emulator.applicationId,
          privateKeyPath: config.emulator.privateKeyPath,
          iceServers: config.iceServers,
          // The realtime WebSocket opens only from pages of the hosts the app itself answers (host-policy.ts).
          isAllowedOrigin: createHostPolicy(config).isAllowedOrigin,
          logger,
          basePath: EMULATOR_BASE_PATH,
        })
      : undefined;

  const server = createServer();
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    await emulator?.close();
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${formatHost(config.host)}:${port}`;

  let opentok: OpenTok;
  try {
    opentok = await createOpenTok(config, emulator, url);
  } catch (error) {
    await closeServer(server);
    await emulator?.close();
    await store.close();
    throw error;
  }
  const app = createApp({
    config,
    logger,
    opentok,
    emulator: emulator && {
      basePath: emulator.basePath,
      router: emulator.router,
      url: `${url}${emulator.basePath}`,
    },
    store,
    csrfKey,
  });
  server.on('request', app);
  emulator?.attach(server);

  return {
    url,
    async close() {
      await emulator?.close();
      await closeServer(server);
      await store.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function createOpenTok(
  config: AppConfig,
  emulator: Emulator | undefined,
  url: string,
): Promise<OpenTok> {
  const apiUrl = config.apiUrl;
  const credentials = config.credentials;
  if (credentials?.kind === 'opentok') {
    return new OpenTok({
      apiKey: credentials.apiKey,
      apiSecret: credentials.apiSecret,
      ...(apiUrl ? { apiUrl } : {}),
    });
  }
  if (credentials?.kind === 'vonage') {
    return new OpenTok({
      applicationId: credentials.applicationId,
      privateKey: credentials.privateKey,
      ...(apiUrl ? { apiUrl } : {}),
    });
  }
  if (!emulator) throw new Error('Local mode needs the emulator');
  const emulatorUrl = `${url}${emulator.basePath}`;
  if (config.localCredentials === 'opentok') {
    return new OpenTok({ apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, apiUrl: emulatorUrl });
  }
  // What a new account has: the SDK signs with the application's private key, as with a real one.
  const privateKey = await readFile(emulator.privateKeyPath, 'utf8');
  return new OpenTok({ applicationId: emulator.applicationId, privateKey, apiUrl: emulatorUrl });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A wildcard bind is reached through loopback; IPv6 literals need brackets in a URL. */
function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel });
  const running = await startServer(config, logger);
  logger.info({ url: running.url, mode: config.mode }, `Listening on ${running.url} (${config.mode} mode)`);
  if (config.mode === 'local') {
    logger.info(
      `Local mode with ${config.localCredentials === 'opentok' ? 'an OpenTok project key' : 'a Vonage application'} ` +
        '(LOCAL_CREDENTIALS=vonage or opentok): the built-in platform emulator stands in for the video platform. To use a real project, set ' +
        'API_KEY + API_SECRET (OpenTok) or VONAGE_APPLICATION_ID + VONAGE_PRIVATE_KEY_PATH (Vonage) in .env and restart.',
    );
  } else if (config.iceServers.length > 0) {
    logger.warn(
      'ICE_SERVERS is ignored outside local mode: OpenTok.js takes its ICE servers from the platform.',
    );
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Cannot start the app: ${message}`);
    process.exit(1);
  });
}
