/** Jest hooks for a describe block whose tests share one emulator and the app built over it. */
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator';
import { createEmulatorHarness, type Harness } from './app-harness';

export interface EmulatorApp {
  readonly emulator: TestEmulator;
  readonly harness: Harness;
  readonly app: Harness['app'];
}

function notStarted(): never {
  throw new Error('the emulator starts in beforeAll');
}

/** Starts the emulator before the block's tests and closes it after; read the fields inside tests only. */
export function useEmulatorApp(): EmulatorApp {
  const site: { emulator?: TestEmulator; harness?: Harness } = {};
  beforeAll(async () => {
    site.emulator = await startTestEmulator();
    site.harness = createEmulatorHarness(site.emulator);
  });
  afterAll(() => site.emulator?.close());
  return {
    get emulator() {
      return site.emulator ?? notStarted();
    },
    get harness() {
      return site.harness ?? notStarted();
    },
    get app() {
      return (site.harness ?? notStarted()).app;
    },
  };
}
