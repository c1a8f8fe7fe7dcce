/** Starts the platform emulator on 127.0.0.1:0 with a temporary data folder and a silent logger, for any test. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../src/emulator';
import { startEmulatorServer, type StartEmulatorServerOptions } from '../../src/emulator/server';

export interface TestEmulator {
  /** the REST API base URL (an SDK's apiUrl), e.g. http://127.0.0.1:PORT/emulator */
  url: string;
  apiKey: string;
  apiSecret: string;
  emulator: Emulator;
  dataDir: string;
  /** stops the server; removes the data folder unless the caller supplied it */
  close(): Promise<void>;
}

/** The server's options but its address; the logger is silent unless given. */
export type TestEmulatorOptions = Partial<Omit<StartEmulatorServerOptions, 'host' | 'port'>>;

export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'emulator-test-')));
  const running = await startEmulatorServer({ ...options, dataDir, host: '127.0.0.1', port: 0 });
  return {
    url: running.url,
    apiKey: running.emulator.apiKey,
    apiSecret: running.emulator.apiSecret,
    emulator: running.emulator,
    dataDir,
    async close() {
      await running.close();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
