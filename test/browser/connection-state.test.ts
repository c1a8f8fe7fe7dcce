/**
 * The connection to the video session in words, in Chromium: a lost connection is said within 3 s and the
 * words go once it is back; a connection given up asks for a reload; a host that was away is told that the
 * recording it saw running ended meanwhile, and why.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import { startCuttableProxy, type CuttableProxy } from './helpers/cuttable-proxy';
import { waitForPlayingVideos } from './helpers/page-checks';
import { openTwoTabs, openVideoTab } from './helpers/video-tabs';

const suite = useAppInChromium();

const RECONNECTING = 'Reconnecting to the video session…';
const LOST = 'The connection was lost. Reload the page to rejoin.';

/** Runs `run` in a fresh context with a link to the app that the test can cut, closed after. */
async function withLink(run: (context: BrowserContext, link: CuttableProxy) => Promise<void>): Promise<void> {
  const context = await suite.browser.newContext();
  const link = await startCuttableProxy(suite.app.url);
  try {
    await run(context, link);
  } finally {
    // Pages close first: their goodbye to the emulator passes through the link before it goes.
    await context.close();
    await link.close();
  }
}

function connectionNotice(page: Page) {
  return page.locator('#connection-notice');
}

/** Resolves with how long after `since` the page's connection notice said `text`. */
async function noticeSaid(page: Page, text: string, since: number, timeoutMs: number): Promise<number> {
  await connectionNotice(page).locator('.alert', { hasText: text }).waitFor({ timeout: timeoutMs });
  return Date.now() - since;
}

test('hello-world says within 3 s that it is reconnecting, in a live region, and clears it once back', async () => {
  await withLink(async (context, link) => {
    const [first, second] = await openTwoTabs(
      context,
      `${suite.app.url}/hello-world`,
      `${link.url}/hello-world`,
    );
    expect(await connectionNotice(second).getAttribute('aria-live')).toBe('polite');
    expect(await connectionNotice(second).innerText()).toBe('');

    const cutAt = Date.now();
    link.cut(2500);
    const saidAfterMs = await noticeSaid(second, RECONNECTING, cutAt, 3000);
    expect(saidAfterMs).toBeLessThan(3000);

    await connectionNotice(second).locator('.alert').waitFor({ state: 'detached', timeout: 15_000 });
    await expect(connectionNotice(second).innerText()).resolves.toBe('');
    // The tab that kept its connection never said anything.
    await expect(connectionNotice(first).innerText()).resolves.toBe('');
  });
});

test('a network that silently drops everything is said within 3 s as well, and cleared once it carries again', async () => {
  await withLink(async (context, link) => {
    const page = await openVideoTab(context, `${link.url}/participant`);
    await page.waitForTimeout(1500);
    const silencedAt = Date.now();
    link.silence();
    expect(await noticeSaid(page, RECONNECTING, silencedAt, 3500)).toBeLessThan(3500);
    link.restore();
    await connectionNotice(page).locator('.alert').waitFor({ state: 'detached', timeout: 15_000 });
  });
});

test('a connection the page gives up on asks for a reload, and the reloaded page is quiet', async () => {
  await withLink(async (context, link) => {
    const page = await openVideoTab(context, `${link.url}/participant`);
    link.cut(30_000);
    await noticeSaid(page, RECONNECTING, Date.now(), 3000);
    await noticeSaid(page, LOST, Date.now(), 25_000);
    // One notice at a time: the reconnecting words were replaced, not stacked.
    await expect(connectionNotice(page).locator('.alert').count()).resolves.toBe(1);

    link.cut(0); // the network is back
    await page.reload();
    await page.locator('#publisher video').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000);
    await expect(connectionNotice(page).innerText()).resolves.toBe('');
  });
});

test('a host whose connection dropped is told that the recording stopped while it was away, and why', async () => {
  await withLink(async (context, link) => {
    const [host, otherHost] = await openTwoTabs(context, `${link.url}/host`, `${suite.app.url}/host`);
    const name = `away ${Date.now()}`;
    await host.locator('#start-archive:not([disabled])').waitFor({ timeout: 15_000 });
    await host.fill('#archive-name', name);
    await host.selectOption('#archive-output-mode', 'individual');
    // A recording stopped before any media reached the server fails instead of stopping: wait for a stored chunk.
    const mediaStored = otherHost.waitForResponse(
      (r) => r.url().includes('/media/') && r.request().method() === 'PUT' && r.ok(),
      { timeout: 15_000 },
    );
    await host.click('#start-archive');
    await otherHost.locator('#stop-archive:not([disabled])').waitFor({ timeout: 15_000 });
    await mediaStored;

    link.cut(5000);
    await noticeSaid(host, RECONNECTING, Date.now(), 3000);
    // While it cannot know, the host's page says its recording state is only the last one it knew.
    await expect(host.innerText('#recording-indicator')).resolves.toMatch(/last known/);
    expect(await host.isDisabled('#stop-archive')).toBe(true);

    await otherHost.click('#stop-archive');
    await otherHost.locator('#recording-indicator[data-recording="false"]').waitFor();

    const told = host.locator('#recording-notice .alert');
    await told.waitFor({ timeout: 20_000 });
    await expect(told.innerText()).resolves.toBe(
      `The recording “${name}” stopped while you were away (a host stopped it).`,
    );
    await connectionNotice(host).locator('.alert').waitFor({ state: 'detached', timeout: 5_000 });
    await host.locator('#recording-indicator[data-recording="false"]').waitFor();
    await host.locator('#start-archive:not([disabled])').waitFor();
    expect(await host.isDisabled('#stop-archive')).toBe(true);
  });
});

test('after a reconnect each other person still has one tile, and whoever left meanwhile has none', async () => {
  await withLink(async (context, link) => {
    const away = await openVideoTab(context, `${link.url}/hello-world?name=Ann`);
    const stays = await openVideoTab(context, `${suite.app.url}/hello-world?name=Bea`);
    const leaves = await openVideoTab(context, `${suite.app.url}/hello-world?name=Cy`);
    await waitForPlayingVideos(away, '#subscribers', 2);
    const tileNames = () => away.locator('#subscribers .tile .tile-name').allInnerTexts();
    expect((await tileNames()).sort()).toEqual(['Bea', 'Cy']);

    link.cut(2500);
    await noticeSaid(away, RECONNECTING, Date.now(), 3000);
    await leaves.close();
    await connectionNotice(away).locator('.alert').waitFor({ state: 'detached', timeout: 15_000 });
    await waitForPlayingVideos(away, '#subscribers', 1);
    // Late events would add a second tile or bring the one who left back: give them time to arrive.
    await away.waitForTimeout(1500);
    expect(await tileNames()).toEqual(['Bea']);
    await expect(stays.locator('#subscribers .tile').count()).resolves.toBe(1);
  });
});

test('a recording that ran on through the outage is marked again, no longer "last known", once back', async () => {
  await withLink(async (context, link) => {
    const [host, participant] = await openTwoTabs(
      context,
      `${suite.app.url}/host`,
      `${link.url}/participant`,
    );
    const name = `through ${Date.now()}`;
    await host.locator('#start-archive:not([disabled])').waitFor({ timeout: 15_000 });
    await host.fill('#archive-name', name);
    await host.click('#start-archive');
    const indicator = participant.locator('#recording-indicator');
    await participant.locator('#recording-indicator[data-recording="true"]').waitFor({ timeout: 15_000 });

    link.cut(2500);
    await noticeSaid(participant, RECONNECTING, Date.now(), 3000);
    await expect(indicator.innerText()).resolves.toMatch(/last known/);
    await connectionNotice(participant).locator('.alert').waitFor({ state: 'detached', timeout: 15_000 });
    await expect(indicator.innerText()).resolves.toBe(`Recording “${name}”`);
    expect(await participant.locator('section.video-area > .recording-mark').isVisible()).toBe(true);

    await host.click('#stop-archive');
    await participant.locator('#recording-indicator[data-recording="false"]').waitFor({ timeout: 15_000 });
  });
});
