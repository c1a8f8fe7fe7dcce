/** Standalone emulator: an HTTP server on 127.0.0.1 for tests and for other SDKs; `tsx src/emulator/server.ts` runs it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino, { type Logger } from 'pino';
import { ConfigError, loadEmulatorConfig } from '../app/config';
import { CredentialsError } from './errors';
import { createEmulator, type Emulator, type EmulatorOptions } from './index';
import { answerNotFound } from './rest/emulator-router';

export interface StartEmulatorServerOptions extends Omit<EmulatorOptions, 'logger'> {
  host?: string;
  port?: number;
  logger?: Logger;
}

export interface RunningEmulatorServer {
  /** http://127.0.0.1:PORT + basePath: an SDK's API URL */
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export async function startEmulatorServer(
  options: StartEmulatorServerOptions,
): Promise<RunningEmulatorServer> {
  const { host = '127.0.0.1', port = 0, logger = pino({ level: 'silent' }), ...emulatorOptions } = options;
  const emulator = await createEmulator({ ...emulatorOptions, logger });
  const app = express();
  app.disable('x-powered-by');
  app.use(emulator.basePath, emulator.router);
  // The platform's REST paths at the root as well, for SDKs that resolve paths from the host root (as the
  // app does in local mode). A RegExp has no parameter for Express to decode before the emulator's router
  // (and its JSON error handler) sees the request.
  app.post('/session/create', emulator.router);
  app.all(/^\/v2\/project\//, emulator.router);
  // Outside the base path too, a client gets the platform's JSON rather than Express's HTML page.
  app.use(answerNotFound);
  const server = createServer(app);
  emulator.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}${emulator.basePath}`,
    emulator,
    async close() {
      await emulator.close();
      await closeServer(server);
    },
  };
}

async function main(): Promise<void> {
  const config = loadEmulatorConfig(process.env);
  const logger = pino({ level: config.logLevel, redact: ['apiSecret'] });
  const running = await startEmulatorServer({
    dataDir: config.dataDir,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    applicationId: config.applicationId,
    privateKeyPath: config.privateKeyPath,
    port: config.port,
    logger,
  });
  // The key's path, never the key: an SDK in application mode reads the file itself.
  logger.info(
    {
      url: running.url,
      apiKey: running.emulator.apiKey,
      applicationId: running.emulator.applicationId,
      privateKeyPath: running.emulator.privateKeyPath,
    },
    'emulator listening; use this url as the SDK API URL',
  );
  const shutdown = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const misconfigured = error instanceof ConfigError || error instanceof CredentialsError;
    console.error(misconfigured ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  });
}
