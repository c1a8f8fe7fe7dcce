/** The video tiles as a person sees them: whose tile, what its label says, which marks it shows. */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { openVideoTab } from './video-tabs';

export type MarkKind = 'audio' | 'video';

/** A person in their own browser (their own cookies), with the page open and their camera playing. */
export interface Person {
  context: BrowserContext;
  page: Page;
}

export async function openAsPerson(browser: Browser, url: string): Promise<Person> {
  const context = await browser.newContext();
  return { context, page: await openVideoTab(context, url) };
}

export function ownTile(page: Page): Locator {
  return page.locator('#publisher .tile');
}

/** The other person's tile whose label reads exactly `name`. */
export function tileNamed(page: Page, name: string): Locator {
  return page
    .locator('#subscribers .tile')
    .filter({ has: page.locator('.tile-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
}

export function mark(tile: Locator, kind: MarkKind): Locator {
  return tile.locator(`.tile-mark[data-mark="${kind}"]`);
}

/** Waits until the tile shows (or stops showing) the no-audio or no-video mark. */
export async function waitForMark(tile: Locator, kind: MarkKind, shown: boolean): Promise<void> {
  await mark(tile, kind).waitFor({ state: shown ? 'visible' : 'hidden', timeout: 10_000 });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
