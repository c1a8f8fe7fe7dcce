/**
 * Recording in local mode, end to end in Chromium: host and participants publish, the host starts and stops
 * an archive, the history page lists it as available, the download is real media of about the recorded
 * length, and delete removes it. Individual and composed output.
 */
import { unzipSync, strFromU8 } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { LOCAL_CREDENTIALS } from '../../src/app/config';
import type { ComposedManifest, IndividualManifest } from '../../src/emulator/media/media-files';
import { useAppInChromium } from './helpers/app-in-chromium';
import { startLocalApp, type LocalApp } from './helpers/local-app';
import {
  measurePlayback,
  peakAudioLevel,
  waitForPlayingVideos,
  waitForVideoCount,
} from './helpers/page-checks';
import { openTwoTabs, openVideoTab } from './helpers/video-tabs';

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const RECORD_MS = 4000;

const suite = useAppInChromium();

function startsWithEbml(bytes: Uint8Array): boolean {
  return EBML_MAGIC.every((b, i) => bytes[i] === b);
}

/** A host tab and a participant tab that see each other. */
async function openHostAndParticipant(
  context: BrowserContext,
  baseUrl = suite.app.url,
): Promise<[host: Page, participant: Page]> {
  return openTwoTabs(context, `${baseUrl}/host`, `${baseUrl}/participant`);
}

async function expectIndicator(page: Page, recording: boolean): Promise<void> {
  await page.locator(`#recording-indicator[data-recording="${recording}"]`).waitFor({ timeout: 15_000 });
  const text = await page.locator('#recording-indicator').innerText();
  expect(text).toMatch(recording ? /recording/i : /not recording/i);
}

/** Starts an archive from the host tab; resolves when each of `tabs` shows it recording, with that time. */
async function startRecording(
  host: Page,
  tabs: Page[],
  name: string,
  outputMode: 'composed' | 'individual',
): Promise<number> {
  await host.fill('#archive-form input[name=name]', name);
  await host.selectOption('#archive-form select[name=outputMode]', outputMode);
  await host.click('#start-archive');
  await Promise.all(tabs.map((tab) => expectIndicator(tab, true)));
  return Date.now();
}

/**
 * Stops the archive from `host` once `recordMs` have passed since `since`; resolves when each of `tabs` shows
 * it stopped, with how long it recorded from `since` to the click.
 */
async function stopRecording(host: Page, tabs: Page[], since: number, recordMs = RECORD_MS): Promise<number> {
  await host.waitForTimeout(Math.max(0, recordMs - (Date.now() - since)));
  await host.click('#stop-archive');
  const recordedMs = Date.now() - since;
  await Promise.all(tabs.map((tab) => expectIndicator(tab, false)));
  return recordedMs;
}

/** Reloads the history page until the named archive is available; returns its row's archive id. */
async function waitForAvailable(page: Page, name: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(`${suite.app.url}/history`);
    const row = page.locator('table#archives tbody tr[data-archive-id]', { hasText: name });
    if ((await row.count()) === 1 && (await row.getAttribute('data-status')) === 'available') {
      return (await row.getAttribute('data-archive-id')) as string;
    }
    if (Date.now() > deadline)
      throw new Error(`archive "${name}" did not become available in ${timeoutMs} ms`);
    await page.waitForTimeout(500);
  }
}

async function download(
  page: Page,
  archiveId: string,
  baseUrl = suite.app.url,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const row = page.locator(`tr[data-archive-id="${archiveId}"]`);
  const href = await row.locator('a.download-link').getAttribute('href');
  expect(href).toBeTruthy();
  const response = await page.request.get(new URL(href as string, baseUrl).toString());
  expect(response.ok()).toBe(true);
  return {
    bytes: new Uint8Array(await response.body()),
    contentType: response.headers()['content-type'] ?? '',
  };
}

/** Reads a downloaded zip: its files and the manifest the emulator writes beside them. */
function readZip<Manifest extends IndividualManifest | ComposedManifest>(
  bytes: Uint8Array,
  archiveId: string,
): { entries: Record<string, Uint8Array>; manifest: Manifest } {
  const entries = unzipSync(bytes);
  const manifest = JSON.parse(strFromU8(entries[`${archiveId}.json`] as Uint8Array)) as Manifest;
  // Every file the manifest lists is in the zip, as WebM of the size it says.
  for (const file of manifest.files) {
    const media = entries[file.filename];
    expect(media).toBeDefined();
    expect(startsWithEbml(media as Uint8Array)).toBe(true);
    expect((media as Uint8Array).length).toBe(file.size);
  }
  return { entries, manifest };
}

/** Plays one file of a downloaded zip in the page (served from a routed URL) and measures it. */
async function playZipEntry(page: Page, entries: Record<string, Uint8Array>, filename: string | undefined) {
  const path = `/zip-entry-${filename ?? 'missing'}`;
  await page.route(`${suite.app.url}${path}`, (route) =>
    route.fulfill({ contentType: 'video/webm', body: Buffer.from(entries[filename ?? ''] as Uint8Array) }),
  );
  return measurePlayback(page, path);
}

async function deleteArchive(page: Page, archiveId: string, baseUrl = suite.app.url): Promise<void> {
  await page.locator(`tr[data-archive-id="${archiveId}"] form.delete-form button[type=submit]`).click();
  // The page asks before it deletes.
  await page.locator('#delete-dialog button[value=confirm]').click();
  await page.locator('#history-notice').getByText('Deleted').waitFor();
  await page.goto(`${baseUrl}/history`);
  expect(await page.locator(`tr[data-archive-id="${archiveId}"]`).count()).toBe(0);
}

test('individual: indicator for everyone incl. a late joiner, a tab closed mid-recording keeps its part, zip of WebMs', async () => {
  await suite.inContext(async (context) => {
    const [host, participant] = await openHostAndParticipant(context);
    const name = `individual ${Date.now()}`;
    const startedAt = await startRecording(host, [host, participant], name, 'individual');

    const late = await openVideoTab(context, `${suite.app.url}/participant`);
    await expectIndicator(late, true);
    await waitForPlayingVideos(host, '#subscribers', 2);
    // The late joiner leaves by closing its tab while the archive records.
    await late.waitForTimeout(2500);
    await late.close();
    await waitForVideoCount(host, '#subscribers', 1);

    const recordedMs = await stopRecording(host, [host, participant], startedAt);

    const history = await context.newPage();
    const archiveId = await waitForAvailable(history, name);
    const { bytes, contentType } = await download(history, archiveId);
    expect(contentType).toMatch(/zip/);

    const { entries, manifest } = readZip<IndividualManifest>(bytes, archiveId);
    // host, participant and the tab that was closed
    expect(manifest.files).toHaveLength(3);
    const lengths = manifest.files.map((f) => f.stopTimeOffset - f.startTimeOffset).sort((a, b) => a - b);
    // The two who stayed recorded about the whole archive; the closed tab about the time it was there.
    expect(lengths[2]).toBeGreaterThan(recordedMs - 1500);
    expect(lengths[2]).toBeLessThan(recordedMs + 1500);
    expect(lengths[0]).toBeLessThan(recordedMs - 500);
    expect(lengths[0]).toBeGreaterThan(1000);

    // The longest stream file really plays for its manifest length.
    const longest = [...manifest.files].sort(
      (a, b) => b.stopTimeOffset - b.startTimeOffset - (a.stopTimeOffset - a.startTimeOffset),
    )[0];
    const playback = await playZipEntry(history, entries, longest?.filename);
    expect(playback.videoWidth).toBe(640);
    expect(Math.abs(playback.duration * 1000 - (lengths[2] ?? 0))).toBeLessThan(1500);

    // The closed tab sent its last chunks with keep-alive: its file plays up to about when it closed. It loses
    // only what its recorder had not handed over yet: the half-second slice in progress on an idle machine,
    // up to three slices when the CPU is starved (measured under a competing busy process), never more.
    const closedTab = [...manifest.files].sort(
      (a, b) => a.stopTimeOffset - a.startTimeOffset - (b.stopTimeOffset - b.startTimeOffset),
    )[0];
    const closedPlayback = await playZipEntry(history, entries, closedTab?.filename);
    expect(closedPlayback.duration * 1000).toBeGreaterThan((lengths[0] ?? 0) - 2000);

    await deleteArchive(history, archiveId);
  });
});

// The same call, recording, history and download with each of the emulator's credentials, on an app of its own.
describe.each(LOCAL_CREDENTIALS)('with LOCAL_CREDENTIALS=%s', (credentials) => {
  let flavourApp: LocalApp | undefined;
  // The file's Chromium serves these tabs too: only the app differs.
  beforeAll(async () => {
    flavourApp = await startLocalApp(credentials);
  });
  afterAll(() => flavourApp?.close());
  const flavour = {
    get url(): string {
      if (!flavourApp) throw new Error('the app starts in beforeAll');
      return flavourApp.url;
    },
  };

  test('composed: one WebM mixing everyone that plays in the browser for about the recorded length', async () => {
    const health = (await (await fetch(`${flavour.url}/healthz`)).json()) as { credentials?: string };
    expect(health.credentials).toBe(credentials);
    await suite.inContext(async (context) => {
      const [host, participant] = await openHostAndParticipant(context, flavour.url);
      const name = `composed ${Date.now()}`;
      const startedAt = await startRecording(host, [host, participant], name, 'composed');

      // The history page opened mid-recording shows the archive as started, then refreshes it in place.
      const history = await context.newPage();
      await history.goto(`${flavour.url}/history`);
      const row = history.locator('table#archives tbody tr[data-archive-id]', { hasText: name });
      expect(await row.getAttribute('data-status')).toBe('started');
      await history.evaluate(() => Object.assign(globalThis, { openedOnce: true }));

      const recordedMs = await stopRecording(host, [host, participant], startedAt);

      await row.locator('a.download-link').waitFor({ timeout: 30_000 });
      expect(await row.getAttribute('data-status')).toBe('available');
      expect(await history.evaluate(() => 'openedOnce' in globalThis)).toBe(true);
      const archiveId = (await row.getAttribute('data-archive-id')) as string;
      const { bytes, contentType } = await download(history, archiveId, flavour.url);
      expect(contentType).toMatch(/webm/);
      expect(startsWithEbml(bytes)).toBe(true);

      const href = await history
        .locator(`tr[data-archive-id="${archiveId}"] a.download-link`)
        .getAttribute('href');
      const playback = await measurePlayback(history, href as string);
      expect(playback.videoWidth).toBe(640);
      // Two people side by side in the grid: both halves show a picture, not the black background.
      expect(playback.leftBrightness).toBeGreaterThan(8);
      expect(playback.rightBrightness).toBeGreaterThan(8);
      // The mixed audio is in the file too, and it is sound (the fake microphones beep), not silence.
      expect(playback.audioBytes).toBeGreaterThan(0);
      expect(await peakAudioLevel(history, href as string)).toBeGreaterThan(0.05);
      expect(playback.duration * 1000).toBeGreaterThan(recordedMs - 1500);
      expect(playback.duration * 1000).toBeLessThan(recordedMs + 1500);

      await deleteArchive(history, archiveId, flavour.url);
    });
  });
});

test('composed: when the recording tab closes, another client takes over; the archive is a zip of both segments', async () => {
  await suite.inContext(async (context) => {
    // The emulator elects the oldest connection, so the first host page records.
    const [firstHost, participant] = await openHostAndParticipant(context);
    const name = `takeover ${Date.now()}`;
    await startRecording(firstHost, [participant], name, 'composed');
    // Long enough for the first recorder to upload a few half-second chunks before its tab closes.
    await participant.waitForTimeout(2500);
    await firstHost.close();
    const tookOverAt = Date.now();

    // A second host page opened mid-recording knows the archive and can stop it.
    const secondHost = await openVideoTab(context, `${suite.app.url}/host`);
    await expectIndicator(secondHost, true);
    const afterTakeoverMs = await stopRecording(secondHost, [participant], tookOverAt, 3000);

    const history = await context.newPage();
    const archiveId = await waitForAvailable(history, name);
    const { bytes, contentType } = await download(history, archiveId);
    // A handover makes the archive a zip of both recorders' segments, in order, and its manifest says so.
    expect(contentType).toMatch(/zip/);
    const { entries, manifest } = readZip<ComposedManifest>(bytes, archiveId);
    expect(manifest).toMatchObject({ id: archiveId, outputMode: 'composed' });
    expect(manifest.recorders.length).toBeGreaterThanOrEqual(2);
    expect(manifest.recorders[0]?.note).toBe('recorder left');
    expect(manifest.files.map((f) => f.filename)).toEqual(
      manifest.files.map((_f, i) => `composed-${i + 1}.webm`),
    );
    expect(manifest.files.length).toBeGreaterThanOrEqual(2);
    // The last segment is the participant's recording after taking over, and it plays for about that long.
    const last = manifest.files.at(-1);
    const playback = await playZipEntry(history, entries, last?.filename);
    expect(playback.videoWidth).toBe(640);
    expect(playback.duration * 1000).toBeGreaterThan(afterTakeoverMs - 1500);
  });
});

test('composed: chunk uploads that fail are retried in order and the archive is complete', async () => {
  await suite.inContext(async (context) => {
    const attempts = new Map<string, number>();
    // The first attempt at chunks 1 and 2 fails: one with a server error, one as a dropped connection.
    await context.route(/\/emulator\/media\/[^/]+\/[^/]+\/\d+$/, async (route) => {
      const url = route.request().url();
      const seq = Number(url.slice(url.lastIndexOf('/') + 1));
      const attempt = (attempts.get(url) ?? 0) + 1;
      attempts.set(url, attempt);
      if (attempt === 1 && seq === 1) return route.fulfill({ status: 503, body: 'busy' });
      if (attempt === 1 && seq === 2) return route.abort('connectionreset');
      return route.continue();
    });
    const [host, participant] = await openHostAndParticipant(context);
    const name = `retry ${Date.now()}`;
    const startedAt = await startRecording(host, [host], name, 'composed');
    const recordedMs = await stopRecording(host, [participant], startedAt);

    const history = await context.newPage();
    const archiveId = await waitForAvailable(history, name);
    const retried = [...attempts.entries()]
      .filter(([, n]) => n > 1)
      .map(([url]) => url.slice(url.lastIndexOf('/') + 1));
    expect(retried.sort()).toEqual(['1', '2']);
    const href = await history
      .locator(`tr[data-archive-id="${archiveId}"] a.download-link`)
      .getAttribute('href');
    const playback = await measurePlayback(history, href as string);
    expect(playback.duration * 1000).toBeGreaterThan(recordedMs - 1500);
  });
});
