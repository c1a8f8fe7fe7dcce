/** Starts the whole app in local mode on 127.0.0.1:0 with a throwaway data directory. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type LocalCredentials } from '../../../src/app/config';
import { startServer } from '../../../src/app/server';

export interface LocalApp {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

let clientBuilt = false;

/** Bundles src/client into public/js/ot-local.js once per test process, so the pages run the current source. */
function buildClient(): void {
  if (clientBuilt) return;
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd: path.resolve(__dirname, '../../..') });
  clientBuilt = true;
}

/** `credentials` is LOCAL_CREDENTIALS; unset, the app runs with the default, the emulator's Vonage application. */
export async function startLocalApp(credentials?: LocalCredentials): Promise<LocalApp> {
  buildClient();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ot-browser-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(credentials ? { LOCAL_CREDENTIALS: credentials } : {}),
  });
  const running = await startServer(config, pino({ level: 'silent' }));
  return {
    url: running.url,
    dataDir,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
