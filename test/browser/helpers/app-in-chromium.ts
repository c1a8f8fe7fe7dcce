/** The app in local mode and a Chromium, started once for a test file and closed after its last test. */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './chromium';
import { startLocalApp, type LocalApp } from './local-app';

export interface AppInChromium {
  readonly app: LocalApp;
  readonly browser: Browser;
  /** Runs `run` in a fresh browser context (tabs that share cookies, as in one browser), closed after. */
  inContext<T>(run: (context: BrowserContext) => Promise<T>): Promise<T>;
}

/** Registers the file's beforeAll and afterAll; the returned fields are there once the tests run. */
export function useAppInChromium(): AppInChromium {
  let app: LocalApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startLocalApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the app and Chromium start in beforeAll');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
    async inContext(run) {
      const context = await started(browser).newContext();
      try {
        return await run(context);
      } finally {
        await context.close();
      }
    },
  };
}
