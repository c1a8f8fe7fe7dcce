/** Opens video pages in tabs of one browser context, as people joining the same session. */
import type { BrowserContext, Page } from 'playwright-core';
import { waitForPlayingVideos } from './page-checks';

/** Opens `url` in a new tab and waits until the tab plays its own camera. */
export async function openVideoTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitForPlayingVideos(page, '#publisher', 1);
  return page;
}

/** Opens two video pages, one after the other, and waits until each plays the other's camera. */
export async function openTwoTabs(
  context: BrowserContext,
  firstUrl: string,
  secondUrl: string,
): Promise<[first: Page, second: Page]> {
  const first = await openVideoTab(context, firstUrl);
  const second = await openVideoTab(context, secondUrl);
  await Promise.all([
    waitForPlayingVideos(first, '#subscribers', 1),
    waitForPlayingVideos(second, '#subscribers', 1),
  ]);
  return [first, second];
}
