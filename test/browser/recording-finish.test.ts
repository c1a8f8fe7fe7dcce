/**
 * Every recording client finishes its upload when the archive stops, so the recording is ready in seconds
 * rather than after the emulator's 30 s finish deadline: a participant whose stream has nothing the archive
 * records (a camera-only stream in an audio-only archive) finishes with no chunks, and a host tab closed right
 * after Stop sends its last chunks and its finish as the page goes.
 */
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import type { IndividualManifest } from '../../src/emulator/media/media-files';
import { useAppInChromium } from './helpers/app-in-chromium';
import { openVideoTab } from './helpers/video-tabs';

const suite = useAppInChromium();
/** well under the emulator's finish deadline of 30 s */
const READY_WITHIN_MS = 12_000;

/** The participant page with its page data, publishing its camera only through the OT API; its stream ID. */
async function publishCameraOnly(page: Page): Promise<string> {
  await page.route('**/js/participant.js*', (route) => route.abort());
  await page.goto(`${suite.app.url}/participant`);
  return (await page.evaluate(`(async () => {
    const data = JSON.parse(document.getElementById('page-data').textContent);
    document.body.insertAdjacentHTML('beforeend', '<div id="camera-only"></div>');
    const session = OT.initSession(data.apiKey, data.sessionId);
    await new Promise((resolve, reject) => session.connect(data.token, (e) => (e ? reject(e) : resolve())));
    const publisher = OT.initPublisher('camera-only', { audioSource: null, insertMode: 'append' });
    await new Promise((resolve, reject) => session.publish(publisher, (e) => (e ? reject(e) : resolve())));
    return publisher.stream.streamId;
  })()`)) as string;
}

async function expectIndicator(page: Page, recording: boolean): Promise<void> {
  await page.locator(`#recording-indicator[data-recording="${recording}"]`).waitFor({ timeout: 15_000 });
}

/** Reloads the history page until the named archive is available; its archive ID, or null when it is not. */
async function availableWithin(page: Page, name: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await page.goto(`${suite.app.url}/history`);
    const row = page.locator('table#archives tbody tr[data-archive-id]', { hasText: name });
    if ((await row.count()) === 1 && (await row.getAttribute('data-status')) === 'available') {
      return row.getAttribute('data-archive-id');
    }
    await page.waitForTimeout(250);
  }
  return null;
}

test('an audio-only individual recording with a camera-only participant is ready at once, without it', async () => {
  await suite.inContext(async (context) => {
    const host = await openVideoTab(context, `${suite.app.url}/host`);
    const cameraOnly = await publishCameraOnly(await context.newPage());
    const name = `audio only ${Date.now()}`;
    await host.fill('#archive-form input[name=name]', name);
    await host.selectOption('#archive-form select[name=outputMode]', 'individual');
    await host.uncheck('#archive-has-video');
    await host.click('#start-archive');
    await expectIndicator(host, true);
    await host.waitForTimeout(2000);
    await host.click('#stop-archive');
    await expectIndicator(host, false);

    // The history in a tab of its own: the host's tab stays open, as after a click on Stop.
    const history = await context.newPage();
    const archiveId = await availableWithin(history, name, READY_WITHIN_MS);
    expect(archiveId).not.toBeNull();
    const href = await history
      .locator(`tr[data-archive-id="${archiveId}"] a.download-link`)
      .getAttribute('href');
    const response = await history.request.get(new URL(href as string, suite.app.url).toString());
    const entries = unzipSync(new Uint8Array(await response.body()));
    const manifest = JSON.parse(strFromU8(entries[`${archiveId}.json`] as Uint8Array)) as IndividualManifest;
    // The host's stream is there; the camera-only one had nothing to record and is not, nor is it a failure.
    expect(manifest.files).toHaveLength(1);
    expect(manifest.files[0]?.streamId).not.toBe(cameraOnly);
    expect(entries[`${cameraOnly}.webm`]).toBeUndefined();
    expect(manifest.failedStreams).toBeUndefined();
  });
});

test('a host tab closed right after Stop still finishes its upload, and the recording is ready at once', async () => {
  await suite.inContext(async (context) => {
    const host = await openVideoTab(context, `${suite.app.url}/host`);
    const name = `closed after stop ${Date.now()}`;
    await host.fill('#archive-form input[name=name]', name);
    await host.selectOption('#archive-form select[name=outputMode]', 'individual');
    await host.click('#start-archive');
    await expectIndicator(host, true);
    await host.waitForTimeout(2000);
    await host.click('#stop-archive');
    await expectIndicator(host, false);
    await host.close({ runBeforeUnload: true });

    const history = await context.newPage();
    const archiveId = await availableWithin(history, name, READY_WITHIN_MS);
    expect(archiveId).not.toBeNull();
  });
});
