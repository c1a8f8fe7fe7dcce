/** Hello World in local mode: two tabs see each other's camera; a refused camera is explained in words. */
import type { Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import { launchChromium } from './helpers/chromium';
import { startCuttableProxy, type CuttableProxy } from './helpers/cuttable-proxy';
import { waitForPlayingVideos, waitForVideoCount } from './helpers/page-checks';
import type { PageGlobals } from './helpers/page-shapes';
import { openTwoTabs } from './helpers/video-tabs';

const suite = useAppInChromium();

/**
 * Runs `run` with two hello-world tabs that see each other, the second reaching the app through a link the
 * test can cut.
 */
async function withCuttableSecondTab(
  run: (first: Page, second: Page, link: CuttableProxy) => Promise<void>,
): Promise<void> {
  const context = await suite.browser.newContext();
  const link = await startCuttableProxy(suite.app.url);
  try {
    const [first, second] = await openTwoTabs(
      context,
      `${suite.app.url}/hello-world`,
      `${link.url}/hello-world`,
    );
    await run(first, second, link);
  } finally {
    // Pages close first: their goodbye to the emulator passes through the link before it goes.
    await context.close();
    await link.close();
  }
}

test('two hello-world tabs see and keep seeing each other, and a closed tab disappears for the other', async () => {
  await suite.inContext(async (context) => {
    const url = `${suite.app.url}/hello-world`;
    const [first, second] = await openTwoTabs(context, url, url);
    // Each sees exactly one other person: a stream shown twice would be a duplicate subscription.
    expect(await first.locator('#subscribers video').count()).toBe(1);
    expect(await second.locator('#subscribers video').count()).toBe(1);
    await expect(first.locator('#alerts .alert').count()).resolves.toBe(0);

    await second.close();
    await waitForVideoCount(first, '#subscribers', 0);
  });
});

test('a network blip on one tab reconnects it without the other tab losing or duplicating its video', async () => {
  await withCuttableSecondTab(async (first, second, link) => {
    const shownBefore = await first.locator('#subscribers .OT_subscriber').getAttribute('id');

    link.cut(1000);
    await second.waitForTimeout(4000);

    // Same subscriber element as before: the first tab never saw the stream go away and come back.
    expect(await first.locator('#subscribers video').count()).toBe(1);
    expect(await first.locator('#subscribers .OT_subscriber').getAttribute('id')).toBe(shownBefore);
    expect(await second.locator('#subscribers video').count()).toBe(1);
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1),
      waitForPlayingVideos(second, '#subscribers', 1),
    ]);
    await expect(second.locator('#alerts .alert').count()).resolves.toBe(0);
  });
});

test('a network loss longer than the emulator waits: the tab returns as a new connection, nothing doubled', async () => {
  await withCuttableSecondTab(async (first, second, link) => {
    const shownBefore = await first.locator('#subscribers .OT_subscriber').getAttribute('id');

    // The emulator keeps a dropped connection for 10 s; the network stays down a little longer.
    link.cut(10_500);
    // The first tab sees the old stream end, then the second tab's new stream.
    await first.waitForFunction(
      (before) => (globalThis as unknown as PageGlobals).document.querySelectorAll(`#${before}`).length === 0,
      shownBefore,
      { timeout: 20_000 },
    );
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1, 30_000),
      waitForPlayingVideos(second, '#subscribers', 1, 30_000),
    ]);
    expect(await first.locator('#subscribers video').count()).toBe(1);
    expect(await second.locator('#subscribers video').count()).toBe(1);
  });
});

test('a refused camera is reported in the page in words, and no broken video is left behind', async () => {
  const refusing = await launchChromium({ grantMedia: false });
  try {
    const page = await refusing.newPage();
    await page.goto(`${suite.app.url}/hello-world`);
    const problem = page.locator('#publisher .tile-problem');
    await problem.waitFor({ timeout: 15_000 });
    await expect(problem.innerText()).resolves.toMatch(/camera and microphone blocked/i);
    expect(await page.locator('#publisher video').count()).toBe(0);
  } finally {
    await refusing.close();
  }
});
