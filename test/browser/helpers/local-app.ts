/** Starts the whole app in local mode on 127.0.0.1:0 with a throwaway data directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/app/config';
import { startServer } from '../../../src/app/server';

export interface LocalApp {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startLocalApp(): Promise<LocalApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ot-browser-'));
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' });
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
