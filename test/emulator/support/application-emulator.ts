/**
 * Jest hooks for a test file about the emulator's Vonage application: one emulator for the file, its application
 * ID and private key read once it started, and the browsers a test joined leaving after it.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator';
import type { FakeBrowser } from './fake-browser';

export interface ApplicationEmulator {
  readonly emu: TestEmulator;
  readonly appId: string;
  readonly privateKey: KeyObject;
  /** browsers pushed here leave after each test */
  readonly browsers: FakeBrowser[];
}

/** Call at the top of a test file; read the fields inside hooks and tests only, once the emulator started. */
export function useApplicationEmulator(): ApplicationEmulator {
  let started: { emu: TestEmulator; appId: string; privateKey: KeyObject } | undefined;
  const browsers: FakeBrowser[] = [];
  beforeAll(async () => {
    const emu = await startTestEmulator();
    const privateKey = createPrivateKey(readFileSync(emu.emulator.privateKeyPath));
    started = { emu, appId: emu.emulator.applicationId, privateKey };
  });
  afterEach(() => Promise.all(browsers.splice(0).map((b) => b.leave())));
  afterAll(() => started?.emu.close());
  const running = (): NonNullable<typeof started> => {
    if (!started) throw new Error('the emulator is not started yet');
    return started;
  };
  return {
    get emu() {
      return running().emu;
    },
    get appId() {
      return running().appId;
    },
    get privateKey() {
      return running().privateKey;
    },
    browsers,
  };
}
