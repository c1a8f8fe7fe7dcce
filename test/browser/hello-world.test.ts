/** Hello World in local mode: two tabs see each other's camera; a refused camera is explained in words. */
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import { startCuttableProxy } from './helpers/cuttable-proxy';
import { startLocalApp, type LocalApp } from './helpers/local-app';
import { waitForPlayingVideos, waitForVideoCount } from './helpers/page-checks';
import type { PageGlobals } from './helpers/page-shapes';

let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  app = await startLocalApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('two hello-world tabs see and keep seeing each other, and a closed tab disappears for the other', async () => {
  const context = await browser.newContext();
  try {
    const first = await context.newPage();
    await first.goto(`${app.url}/hello-world`);
    await waitForPlayingVideos(first, '#publisher', 1);

    const second = await context.newPage();
    await second.goto(`${app.url}/hello-world`);
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1),
      waitForPlayingVideos(second, '#subscribers', 1),
    ]);
    // Each sees exactly one other person: a stream shown twice would be a duplicate subscription.
    expect(await first.locator('#subscribers video').count()).toBe(1);
    expect(await second.locator('#subscribers video').count()).toBe(1);
    await expect(first.locator('#alerts .alert').count()).resolves.toBe(0);

    await second.close();
    await waitForVideoCount(first, '#subscribers', 0);
  } finally {
    await context.close();
  }
});

test('a network blip on one tab reconnects it without the other tab losing or duplicating its video', async () => {
  const context = await browser.newContext();
  const proxy = await startCuttableProxy(app.url);
  try {
    const first = await context.newPage();
    await first.goto(`${app.url}/hello-world`);
    await waitForPlayingVideos(first, '#publisher', 1);
    // The second tab reaches the app through a link the test can cut.
    const second = await context.newPage();
    await second.goto(`${proxy.url}/hello-world`);
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1),
      waitForPlayingVideos(second, '#subscribers', 1),
    ]);
    const shownBefore = await first.locator('#subscribers .OT_subscriber').getAttribute('id');

    proxy.cut(1000);
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
  } finally {
    await context.close();
    await proxy.close();
  }
});

test('a network loss longer than the emulator waits: the tab returns as a new connection, nothing doubled', async () => {
  const context = await browser.newContext();
  const proxy = await startCuttableProxy(app.url);
  try {
    const first = await context.newPage();
    await first.goto(`${app.url}/hello-world`);
    await waitForPlayingVideos(first, '#publisher', 1);
    const second = await context.newPage();
    await second.goto(`${proxy.url}/hello-world`);
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1),
      waitForPlayingVideos(second, '#subscribers', 1),
    ]);
    const shownBefore = await first.locator('#subscribers .OT_subscriber').getAttribute('id');

    // The emulator keeps a dropped connection for 10 s; the network stays down a little longer.
    proxy.cut(10_500);
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
  } finally {
    await context.close();
    await proxy.close();
  }
});

test('a refused camera is reported in the page in words, and no broken video is left behind', async () => {
  const refusing = await launchChromium({ grantMedia: false });
  try {
    const page = await refusing.newPage();
    await page.goto(`${app.url}/hello-world`);
    const alert = page.locator('#alerts .alert');
    await alert.first().waitFor({ timeout: 15_000 });
    await expect(alert.first().innerText()).resolves.toMatch(/camera or microphone access was refused/i);
    expect(await page.locator('#publisher video').count()).toBe(0);
  } finally {
    await refusing.close();
  }
});
