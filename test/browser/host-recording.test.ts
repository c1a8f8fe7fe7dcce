/**
 * The host page's one recording state in Chromium: two host tabs agree, a message goes when the state it
 * describes goes, Stop is the primary action while recording, the options show what is being recorded, and
 * every archiving page carries the recording mark on its video area.
 */
import type { Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import { openTwoTabs, openVideoTab } from './helpers/video-tabs';

const suite = useAppInChromium();

async function expectRecording(page: Page, recording: boolean): Promise<void> {
  await page.locator(`#recording-indicator[data-recording="${recording}"]`).waitFor({ timeout: 15_000 });
}

/** What a host sees of its controls once the page has settled on `recording`. */
async function expectHostControls(page: Page, recording: boolean): Promise<void> {
  await expectRecording(page, recording);
  await page.locator(`#start-archive${recording ? '[disabled]' : ':not([disabled])'}`).waitFor();
  await page.locator(`#stop-archive${recording ? ':not([disabled])' : '[disabled]'}`).waitFor();
}

async function noticeTexts(page: Page): Promise<string[]> {
  return page.locator('#alerts .alert, #recording-notice .alert').allInnerTexts();
}

async function startFrom(
  host: Page,
  name: string,
  outputMode: 'composed' | 'individual' = 'composed',
): Promise<void> {
  await host.locator('#start-archive:not([disabled])').waitFor({ timeout: 15_000 });
  await host.fill('#archive-name', name);
  await host.selectOption('#archive-output-mode', outputMode);
  await host.click('#start-archive');
}

test('two host tabs pressing Stop at once both end "Not recording", Start enabled, Stop disabled, no error', async () => {
  await suite.inContext(async (context) => {
    const [first, second] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/host`);
    await startFrom(first, `race ${Date.now()}`);
    await Promise.all([expectHostControls(first, true), expectHostControls(second, true)]);

    // The second tab's stop reaches the app only after the first tab's has stopped the recording, so it
    // loses the race for certain: the platform answers 409 after the archiveStopped event has arrived.
    let releaseSecond: () => void = () => undefined;
    const secondHeld = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    await second.route('**/stop/*', async (route) => {
      await secondHeld;
      await route.continue();
    });
    const losing = second.waitForResponse((response) => response.url().includes('/stop/'));
    await Promise.all([first.click('#stop-archive'), second.click('#stop-archive')]);
    await expectRecording(first, false);
    await expectRecording(second, false);
    releaseSecond();
    expect((await losing).status()).toBe(409);
    await second.waitForTimeout(300);

    for (const tab of [first, second]) {
      await expectHostControls(tab, false);
      await expect(tab.locator('#recording-indicator').innerText()).resolves.toMatch(/^Not recording$/);
      expect(await noticeTexts(tab)).toEqual([]);
    }
    // Nothing is left dead: the tab that lost can record again.
    await second.unroute('**/stop/*');
    await startFrom(second, `again ${Date.now()}`);
    await Promise.all([expectHostControls(first, true), expectHostControls(second, true)]);
    await second.click('#stop-archive');
    await Promise.all([expectHostControls(first, false), expectHostControls(second, false)]);
  });
});

test('a message about a state is gone once that state changes', async () => {
  await suite.inContext(async (context) => {
    const [first, second] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/host`);
    await startFrom(first, `messages ${Date.now()}`);
    await Promise.all([expectHostControls(first, true), expectHostControls(second, true)]);

    // The second tab cannot reach the app: its Stop fails, says so, and leaves the recording running.
    await second.route('**/stop/*', (route) => route.abort('connectionrefused'));
    await second.click('#stop-archive');
    const notice = second.locator('#alerts .alert, #recording-notice .alert');
    await expect(notice.innerText()).resolves.toMatch(/could not be stopped.*could not be reached/is);
    await expectHostControls(second, true);

    // The first tab stops it: the second tab's message described a state that is over, so it goes.
    await first.click('#stop-archive');
    await expectHostControls(second, false);
    await notice.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await noticeTexts(second)).toEqual([]);
  });
});

test('while recording, Stop is the primary action and the options show the running recording, read-only', async () => {
  await suite.inContext(async (context) => {
    const [first, second] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/host`);
    // The second tab has typed other options, which it gets back once the recording is over.
    await second.fill('#archive-name', 'my next one');
    const name = `read-only ${Date.now()}`;
    await first.fill('#archive-name', name);
    await first.selectOption('#archive-output-mode', 'individual');
    await first.uncheck('#archive-has-video');
    await first.click('#start-archive');

    for (const tab of [first, second]) {
      await expectHostControls(tab, true);
      await tab.waitForFunction(
        () =>
          (
            globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }
          ).document.querySelector('#archive-output-mode')?.value === 'individual',
        undefined,
        { timeout: 10_000 },
      );
      expect(await tab.inputValue('#archive-name')).toBe(name);
      expect(await tab.locator('#archive-name').getAttribute('readonly')).not.toBeNull();
      expect(await tab.isDisabled('#archive-output-mode')).toBe(true);
      expect(await tab.isChecked('#archive-has-audio')).toBe(true);
      expect(await tab.isChecked('#archive-has-video')).toBe(false);
      expect(await tab.isDisabled('#archive-has-video')).toBe(true);
      await expect(tab.locator('#archive-options-note').isVisible()).resolves.toBe(true);
      // The filled button is the one that can act; labels stay as they were.
      expect(await tab.getAttribute('#stop-archive', 'class')).toMatch(/\bbtn-danger\b/);
      expect(await tab.getAttribute('#start-archive', 'class')).not.toMatch(/\bbtn-danger\b/);
      expect(await tab.innerText('#stop-archive')).toBe('Stop archiving');
      // An individual recording has no layout to change, and the page says why.
      expect(await tab.isDisabled('#archive-layout')).toBe(true);
      await expect(tab.innerText('#layout-help')).resolves.toMatch(/individual/);
    }

    // A host page opened mid-recording starts from the page data and shows the same settings.
    const late = await openVideoTab(context, `${suite.app.url}/host`);
    await expectHostControls(late, true);
    await late.locator('#archive-has-video:not(:checked)').waitFor({ timeout: 10_000 });
    expect(await late.inputValue('#archive-output-mode')).toBe('individual');
    expect(await late.inputValue('#archive-name')).toBe(name);
    expect(await late.isDisabled('#archive-has-audio')).toBe(true);

    await first.click('#stop-archive');
    await expectHostControls(second, false);
    expect(await second.inputValue('#archive-name')).toBe('my next one');
    expect(await second.locator('#archive-name').getAttribute('readonly')).toBeNull();
    expect(await second.isDisabled('#archive-output-mode')).toBe(false);
    expect(await second.getAttribute('#start-archive', 'class')).toMatch(/\bbtn-danger\b/);
  });
});

test('the participant page marks its video area while the session is recorded, in words as well as colour', async () => {
  await suite.inContext(async (context) => {
    const [host, participant] = await openTwoTabs(
      context,
      `${suite.app.url}/host`,
      `${suite.app.url}/participant`,
    );
    const area = participant.locator('section.video-area');
    const mark = area.locator('.recording-mark');
    expect(await area.getAttribute('data-recording')).toBe('false');
    expect(await mark.isVisible()).toBe(false);

    const name = `marked ${Date.now()}`;
    await startFrom(host, name);
    await expectRecording(participant, true);
    expect(await area.getAttribute('data-recording')).toBe('true');
    expect(await mark.isVisible()).toBe(true);
    expect(await mark.innerText()).toMatch(/REC/);
    await expect(participant.innerText('#recording-indicator')).resolves.toBe(`Recording “${name}”`);

    // A participant who joins mid-recording sees the mark from the start.
    const late = await openVideoTab(context, `${suite.app.url}/participant`);
    expect(await late.locator('section.video-area .recording-mark').isVisible()).toBe(true);

    await host.click('#stop-archive');
    await expectRecording(participant, false);
    expect(await mark.isVisible()).toBe(false);
    await expectRecording(late, false);
  });
});

test('a host tab that comes back after the recording it saw stopped is told so, with the reason', async () => {
  await suite.inContext(async (context) => {
    const [first, second] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/host`);
    const name = `while away ${Date.now()}`;
    // Individual: the tab that leaves keeps its part, so the recording ends as stopped rather than failed. A
    // recording stopped before any media reached the server fails instead, so the test waits for a stored chunk.
    const mediaStored = second.waitForResponse(
      (r) => r.url().includes('/media/') && r.request().method() === 'PUT' && r.ok(),
      { timeout: 15_000 },
    );
    await startFrom(first, name, 'individual');
    await expectHostControls(first, true);
    await expectHostControls(second, true);
    await mediaStored;

    // The first tab leaves the page; the recording stops while it is gone; then it comes back.
    await first.goto('about:blank');
    await second.click('#stop-archive');
    await expectHostControls(second, false);
    await first.goto(`${suite.app.url}/host`);

    await expect(first.locator('#recording-notice .alert').innerText()).resolves.toBe(
      `The recording “${name}” stopped while you were away (a host stopped it).`,
    );
    await expectHostControls(first, false);
    // Said once: the next visit has nothing to report.
    await first.reload();
    await expectHostControls(first, false);
    await first.waitForTimeout(1000);
    expect(await noticeTexts(first)).toEqual([]);
    // The other tab saw it stop, so it was never away.
    expect(await noticeTexts(second)).toEqual([]);
  });
});

/** Waits until the layout controls' live region says `text`. */
async function expectLayoutNotice(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('#layout-notice', { hasText: text }).waitFor({ timeout: 10_000 });
}

test('the host picks a layout before start, changes it while recording, and gives a tile the focus from the keyboard', async () => {
  await suite.inContext(async (context) => {
    const [host] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/participant`);
    const otherTile = host.locator('#subscribers .tile[data-stream-id]').first();

    // One labelled control, whose help says when the layout is used.
    const picker = host.getByRole('combobox', { name: 'Layout of the recording', exact: true });
    expect(await picker.count()).toBe(1);
    expect(await picker.evaluate((select) => select.getAttribute('aria-describedby'))).toBe('layout-help');
    expect(await host.locator('#layout-help').innerText()).toMatch(/^Sent with Start archiving\./);

    // Not recording: no layout to apply yet, and a tile says what the focus needs instead of failing.
    expect(await host.locator('#apply-layout').isVisible()).toBe(false);
    expect(await otherTile.getAttribute('aria-disabled')).toBe('true');
    // A tile that cannot act yet is marked so, yet a press still explains why (force: past the disabled check).
    await otherTile.click({ force: true });
    await expectLayoutNotice(host, /composed recording runs/);

    // A custom layout needs its stylesheet before anything is sent.
    await host.selectOption('#archive-layout', 'custom');
    await host.locator('#archive-stylesheet').waitFor();
    await host.fill('#archive-name', `layout ${Date.now()}`);
    await host.click('#start-archive');
    await expectLayoutNotice(host, /custom layout needs a stylesheet/);
    await expectRecording(host, false);

    await host.selectOption('#archive-layout', 'pip');
    const start = host.waitForRequest((request) => new URL(request.url()).pathname === '/start');
    await host.click('#start-archive');
    expect((await start).postDataJSON()).toMatchObject({ outputMode: 'composed', layout: { type: 'pip' } });
    await expectHostControls(host, true);

    await host.selectOption('#archive-layout', 'verticalPresentation');
    const layoutReply = host.waitForResponse((response) => response.url().includes('/layout/'));
    await host.click('#apply-layout');
    expect((await layoutReply).status()).toBe(200);
    await expectLayoutNotice(host, 'The recording now uses the Vertical presentation layout.');

    // The tile is a toggle button: Enter gives its person the focus, and Enter again takes it away.
    expect(await otherTile.getAttribute('role')).toBe('button');
    expect(await otherTile.getAttribute('aria-disabled')).toBe('false');
    await expect(otherTile.getAttribute('aria-label')).resolves.toMatch(
      /^Give .+ the focus in the recording$/,
    );
    await otherTile.focus();
    await host.keyboard.press('Enter');
    await host.locator('#subscribers .tile[aria-pressed="true"]').waitFor({ timeout: 10_000 });
    await expectLayoutNotice(host, /now has the focus/);
    expect(await otherTile.locator('.tile-focus-badge').isVisible()).toBe(true);
    await host.keyboard.press('Enter');
    await host.locator('#subscribers .tile[aria-pressed="false"]').waitFor({ timeout: 10_000 });
    await expectLayoutNotice(host, 'Nobody has the focus now.');

    await host.click('#stop-archive');
    await expectHostControls(host, false);
    expect(await host.locator('#apply-layout').isVisible()).toBe(false);
    expect(await otherTile.getAttribute('aria-disabled')).toBe('true');
  });
});
