/**
 * Jest hooks for a test file whose tests share one emulator: started before them, closed after them; the
 * browsers its tests join through it leave after each test.
 */
import type { Emulator } from '../../../src/emulator';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../../helpers/emulator';
import type { FakeBrowser } from './fake-browser';
import { joinSession } from './join-session';
import type { Project } from './platform-client';

export interface SharedEmulator extends Project {
  readonly dataDir: string;
  readonly emulator: Emulator;
  /** A browser joined to `sessionId` with a fresh client token; it leaves after the test. */
  join(sessionId: string, token?: Parameters<typeof joinSession>[2]): Promise<FakeBrowser>;
}

/** Call at the top of a test file; read the fields inside hooks and tests only, once the emulator started. */
export function useSharedEmulator(options: TestEmulatorOptions = {}): SharedEmulator {
  let started: TestEmulator | undefined;
  const browsers: FakeBrowser[] = [];
  beforeAll(async () => {
    started = await startTestEmulator(options);
  });
  afterEach(async () => {
    await Promise.all(browsers.splice(0).map((b) => b.leave()));
  });
  afterAll(() => started?.close());
  const running = (): TestEmulator => {
    if (!started) throw new Error('the emulator is not started yet');
    return started;
  };
  return {
    get url() {
      return running().url;
    },
    get apiKey() {
      return running().apiKey;
    },
    get apiSecret() {
      return running().apiSecret;
    },
    get dataDir() {
      return running().dataDir;
    },
    get emulator() {
      return running().emulator;
    },
    async join(sessionId, token) {
      const browser = await joinSession(running(), sessionId, token);
      browsers.push(browser);
      return browser;
    },
  };
}
