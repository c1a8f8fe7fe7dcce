/**
 * The history page in Chromium: delete asks first and says what it deleted, every recording is a card with all
 * its actions on a phone and an aligned row on a desktop, a composed recording plays in the page and an
 * individual one lists its streams.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { LOCAL_API_KEY } from '../../src/emulator/credentials';
import { recordAvailableArchive } from '../emulator/support/available-archive';
import { archivePath, rest, type Project } from '../emulator/support/platform-client';
import { launchChromium } from './helpers/chromium';
import { startLocalApp, type LocalApp } from './helpers/local-app';
import { openVideoTab } from './helpers/video-tabs';

const LONG_NAME = `Quarterly planning with the whole product team, design, sales and support${' and more'.repeat(6)}`;

/** The emulator mounted in the local app, with the secret it generated in the app's data folder. */
let project: Project;
/** Names of the recordings made for the layout tests, newest first as the page lists them. */
const layoutNames: string[] = [];

// The app on the emulator's OpenTok project key, which the test's own REST calls use to make recordings fast.
let app: LocalApp;
let browser: Browser;

beforeAll(async () => {
  app = await startLocalApp('opentok');
  browser = await launchChromium();
  const secretFile = path.join(app.dataDir, 'emulator-secret.json');
  const { apiSecret } = JSON.parse(await readFile(secretFile, 'utf8')) as { apiSecret: string };
  project = { url: `${app.url}/emulator`, apiKey: LOCAL_API_KEY, apiSecret };
  for (const [i, name] of ['Standup', LONG_NAME, 'Design review', 'Retro', 'Weekly'].entries()) {
    await recordAvailableArchive(project, { name, outputMode: i === 1 ? 'individual' : 'composed' });
    layoutNames.unshift(name);
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/**
 * Opens the history at `width`; with `archiveId`, reloads until its row is listed. Recordings made through the
 * emulator's REST API reach the page once the app's one-second listing cache has expired.
 */
async function openHistory(width: number, archiveId?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 844 } });
  const page = await context.newPage();
  const deadline = Date.now() + 10_000;
  for (;;) {
    await page.goto(`${app.url}/history`);
    if (!archiveId || (await rowOf(page, archiveId).count()) === 1) return page;
    if (Date.now() > deadline) throw new Error(`recording ${archiveId} is not listed`);
    await page.waitForTimeout(500);
  }
}

function rowOf(page: Page, archiveId: string): Locator {
  return page.locator(`tr[data-archive-id="${archiveId}"]`);
}

/** Whether the element with keyboard focus is inside `selector`. */
const hasFocusIn = (page: Page, selector: string): Promise<boolean> =>
  page.evaluate(`Boolean(document.activeElement?.closest(${JSON.stringify(selector)}))`) as Promise<boolean>;

test('delete asks first: Cancel and Escape keep the recording, Confirm deletes it and says what went', async () => {
  const name = `Team sync ${Date.now()}`;
  const archive = await recordAvailableArchive(project, { name, outputMode: 'composed' });
  const page = await openHistory(1280, archive.id);
  try {
    const row = rowOf(page, archive.id);
    const deleteButton = row.locator('form.delete-form button[type=submit]');
    const dialog = page.locator('#delete-dialog');

    await deleteButton.click();
    await dialog.waitFor({ state: 'visible' });
    // The question names the recording, and the keyboard is in the dialog, on the safe choice.
    expect(await page.locator('#delete-dialog-title').innerText()).toContain(`Delete “${name}” (`);
    expect(await hasFocusIn(page, '#delete-dialog')).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.count()).toBe(1);
    // Focus is back where the person was.
    expect(await hasFocusIn(page, `tr[data-archive-id="${archive.id}"] form.delete-form`)).toBe(true);

    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.count()).toBe(1);
    const stillThere = await rest(project, 'GET', archivePath(project, `/${archive.id}`));
    expect((stillThere.body as { status: string }).status).toBe('available');

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete recording' }).click();
    await row.waitFor({ state: 'detached' });
    const notice = page.locator('#history-notice');
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.innerText()).toMatch(new RegExp(`^Deleted “${name}” \\(.+\\)\\.$`));
    const gone = await rest(project, 'GET', archivePath(project, `/${archive.id}`));
    expect((gone.body as { status: string }).status).toBe('deleted');
    // The next recording moved up, and the keyboard stayed in the list.
    expect(await hasFocusIn(page, 'tr.archive-row')).toBe(true);
    await page.reload();
    expect(await rowOf(page, archive.id).count()).toBe(0);
  } finally {
    await page.context().close();
  }
});

test('a refused delete says why in words and keeps the recording', async () => {
  const archive = await recordAvailableArchive(project, {
    name: `Kept ${Date.now()}`,
    outputMode: 'composed',
  });
  const page = await openHistory(1280, archive.id);
  try {
    // The platform refusing a delete (its 409) is what the app's route turns into this answer.
    const message = 'The video platform deletes only available recordings, and this one is not.';
    await page.route(`${app.url}/delete/${archive.id}`, (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: { message } }),
      }),
    );
    const row = rowOf(page, archive.id);
    await row.locator('form.delete-form button[type=submit]').click();
    await page.locator('#delete-dialog button[value=confirm]').click();
    await page.locator('#alerts').getByText(message).waitFor();
    expect(await row.count()).toBe(1);
    expect(await page.locator('#history-notice').innerText()).toBe('');
    expect(await hasFocusIn(page, `tr[data-archive-id="${archive.id}"] form.delete-form`)).toBe(true);
    // Once the platform accepts, the same button deletes it (the layout tests below count the recordings).
    await page.unroute(`${app.url}/delete/${archive.id}`);
    await page.keyboard.press('Enter');
    await page.locator('#delete-dialog button[value=confirm]').click();
    await row.waitFor({ state: 'detached' });
  } finally {
    await page.context().close();
  }
});

test('at 390 px every recording is a card with its name, status, Download and Delete, and nothing scrolls sideways', async () => {
  const page = await openHistory(390);
  try {
    const cards = page.locator('tr.archive-row');
    expect(await cards.count()).toBe(5);
    for (let i = 0; i < 5; i += 1) {
      const card = cards.nth(i);
      for (const part of [
        '.archive-name-text',
        '.archive-status .badge',
        'a.download-link',
        'form.delete-form button',
      ]) {
        const box = await card.locator(part).boundingBox();
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      }
      expect(await card.locator('.archive-status .badge').innerText()).toBe('Available');
      expect(await card.locator('.archive-output').innerText()).toMatch(
        /^(Composed · WebM|Individual · zip)$/,
      );
      // The date and the size each stay on one line.
      for (const part of ['time.archive-created', '.archive-size']) {
        const lines = await card
          .locator(part)
          .evaluate(
            (el) => (el as unknown as { getClientRects(): { length: number } }).getClientRects().length,
          );
        expect(lines).toBe(1);
      }
    }
    // A card is still a row of the table for screen readers, its column names still its headers.
    expect(await page.getByRole('columnheader').count()).toBe(7);
    expect(await cards.nth(0).getByRole('cell').count()).toBe(7);
    // A long name is shown in full in its card.
    expect(await cards.nth(3).locator('.archive-name-text').innerText()).toBe(LONG_NAME);
    expect(await page.evaluate('document.scrollingElement.scrollWidth <= innerWidth')).toBe(true);
  } finally {
    await page.context().close();
  }
});

test('at 1280 px the rows stay aligned: a long name is cut with its full text kept, every row one height', async () => {
  const page = await openHistory(1280);
  try {
    const rows = page.locator('tr.archive-row');
    expect(await rows.locator('.archive-name-text').allInnerTexts()).toEqual(layoutNames);
    const heights = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => Math.round((await rows.nth(i).boundingBox())!.height)),
    );
    expect(Math.max(...heights) - Math.min(...heights)).toBeLessThanOrEqual(1);
    const long = rows.nth(3).locator('.archive-name-text');
    expect(await long.getAttribute('title')).toBe(LONG_NAME);
    // Cut: the text is wider than the box it is shown in.
    const [textWidth, boxWidth] = await long.evaluate((el) => {
      const box = el as unknown as { scrollWidth: number; clientWidth: number };
      return [box.scrollWidth, box.clientWidth];
    });
    expect(textWidth).toBeGreaterThan(boxWidth!);
    // The thead is shown, and the cells keep the table's meaning.
    expect(await page.locator('th.col-output').innerText()).toBe('Output');
    expect(await rows.nth(3).getByRole('cell').count()).toBe(7);
    expect(await page.evaluate('document.scrollingElement.scrollWidth <= innerWidth')).toBe(true);
  } finally {
    await page.context().close();
  }
});

test('an individual recording lists its streams with the names of the people', async () => {
  const archive = await recordAvailableArchive(project, {
    name: `Interview ${Date.now()}`,
    outputMode: 'individual',
    people: ['{"name":"Ada Lovelace"}', '{"name":"Grace Hopper"}'],
  });
  const page = await openHistory(390, archive.id);
  try {
    const button = rowOf(page, archive.id).locator('button.streams-button');
    await button.click();
    const items = page.locator('#streams-list li');
    await items.nth(1).waitFor();
    expect(await items.locator('strong').allInnerTexts()).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(await items.nth(0).innerText()).toContain('0:00 – 0:03 (3 s)');
    expect(await page.locator('#streams-message').innerText()).toMatch(/^2 streams/);
    await page.keyboard.press('Escape');
    await page.locator('#streams-dialog').waitFor({ state: 'hidden' });
    expect(await hasFocusIn(page, `tr[data-archive-id="${archive.id}"] .streams-button`)).toBe(true);
  } finally {
    await page.context().close();
  }
});

test('the streams dialog shows the recording opened last, even when an earlier answer comes later', async () => {
  const first = await recordAvailableArchive(project, {
    name: `Slow ${Date.now()}`,
    outputMode: 'individual',
    people: ['{"name":"Alan Turing"}'],
  });
  const second = await recordAvailableArchive(project, {
    name: `Fast ${Date.now()}`,
    outputMode: 'individual',
    people: ['{"name":"Katherine Johnson"}'],
  });
  const page = await openHistory(1280, first.id);
  try {
    await rowOf(page, second.id).waitFor();
    let releaseFirst = (): void => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    await page.route(`${app.url}/archive/${first.id}/streams`, async (route) => {
      await firstHeld;
      await route.continue();
    });
    await rowOf(page, first.id).locator('button.streams-button').click();
    await page.keyboard.press('Escape');
    await page.locator('#streams-dialog').waitFor({ state: 'hidden' });
    await rowOf(page, second.id).locator('button.streams-button').click();
    const items = page.locator('#streams-list li strong');
    await items.first().waitFor();
    const firstAnswered = page.waitForResponse(`${app.url}/archive/${first.id}/streams`);
    releaseFirst();
    await firstAnswered;
    // The late answer had a turn to be drawn; the dialog still shows the recording it is titled with.
    await page.waitForTimeout(300);
    expect(await page.locator('#streams-dialog-title').innerText()).toContain('Fast');
    expect(await items.allInnerTexts()).toEqual(['Katherine Johnson']);
    expect(await page.locator('#streams-message').innerText()).toMatch(/^1 stream,/);
  } finally {
    await page.context().close();
  }
});

test('the inline player plays an available composed recording', async () => {
  const context = await browser.newContext();
  try {
    // A real recording: the host page's camera, composed by the page and uploaded to the emulator.
    const host = await openVideoTab(context, `${app.url}/host`);
    const { sessionId } = JSON.parse((await host.locator('#page-data').textContent()) ?? '{}') as {
      sessionId: string;
    };
    const name = `Played ${Date.now()}`;
    const started = await rest(project, 'POST', archivePath(project), { body: { sessionId, name } });
    expect(started.status).toBe(200);
    const archiveId = (started.body as { id: string }).id;
    await host.waitForTimeout(3000);
    expect((await rest(project, 'POST', archivePath(project, `/${archiveId}/stop`))).status).toBe(200);

    const page = await context.newPage();
    await page.goto(`${app.url}/history`);
    const play = rowOf(page, archiveId).locator('button.play-button');
    // The page refreshes the row in place once the recording is available.
    await play.waitFor({ timeout: 30_000 });
    await play.click();
    await page.locator('#player-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#player-dialog-title').innerText()).toContain(name);
    await page.waitForFunction(
      () => {
        const video = (
          globalThis as unknown as { document: { getElementById(id: string): unknown } }
        ).document.getElementById('player-video') as { readyState: number; duration: number };
        return video.readyState >= 2 && Number.isFinite(video.duration) && video.duration > 0;
      },
      undefined,
      { timeout: 15_000 },
    );
    const duration = await page
      .locator('#player-video')
      .evaluate((video) => (video as unknown as { duration: number }).duration);
    expect(duration).toBeGreaterThan(1.5);
    expect(await page.locator('#player-message').innerText()).toBe('');
    await page.keyboard.press('Escape');
    await page.locator('#player-dialog').waitFor({ state: 'hidden' });
    expect(await hasFocusIn(page, `tr[data-archive-id="${archiveId}"] .play-button`)).toBe(true);
  } finally {
    await context.close();
  }
});
