/**
 * Video tiles in local mode: each person's name on their tile ("You" on your own), names remembered and
 * renamed, microphone and camera mute shown on every tile, and a refused camera explained in the own tile.
 */
import type { Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import { waitForPlayingVideos } from './helpers/page-checks';
import { mark, openAsPerson, ownTile, tileNamed, waitForMark, type Person } from './helpers/tiles';

const suite = useAppInChromium();

/** Runs `run` with people who joined one after the other, each in their own browser; closes them after. */
async function withPeople<Urls extends string[]>(
  urls: [...Urls],
  run: (people: { [K in keyof Urls]: Person }) => Promise<void>,
): Promise<void> {
  const people: Person[] = [];
  try {
    for (const url of urls) people.push(await openAsPerson(suite.browser, url));
    await Promise.all(
      people.map((person) => waitForPlayingVideos(person.page, '#subscribers', urls.length - 1)),
    );
    await run(people as { [K in keyof Urls]: Person });
  } finally {
    for (const person of people) await person.context.close();
  }
}

async function ownLabel(page: Page): Promise<string> {
  return ownTile(page).locator('.tile-name').innerText();
}

test('each person sees the other by name and "You" on their own tile; the name is remembered and can be changed', async () => {
  const url = `${suite.app.url}/hello-world`;
  await withPeople([`${url}?name=Ada`, `${url}?name=Grace`], async ([ada, grace]) => {
    await tileNamed(ada.page, 'Grace').waitFor({ timeout: 10_000 });
    await tileNamed(grace.page, 'Ada').waitFor({ timeout: 10_000 });
    expect(await ownLabel(ada.page)).toBe('You');
    expect(await ownLabel(grace.page)).toBe('You');
    expect(await ada.page.locator('#display-name-input').inputValue()).toBe('Ada');
    // The name left the address bar, so a later reload cannot bring an old one back.
    expect(new URL(ada.page.url()).searchParams.has('name')).toBe(false);

    // Back without ?name=: the browser remembered it, and the others read it from the new token.
    await ada.page.goto(url);
    await waitForPlayingVideos(ada.page, '#subscribers', 1);
    expect(await ada.page.locator('#display-name-input').inputValue()).toBe('Ada');
    await tileNamed(ada.page, 'Grace').waitFor({ timeout: 10_000 });
    await tileNamed(grace.page, 'Ada').waitFor({ timeout: 10_000 });

    // Renaming tells the others at once, without rejoining.
    const shownBefore = await grace.page.locator('#publisher video').count();
    await grace.page.fill('#display-name-input', '  Grace   Hopper ');
    await grace.page.getByRole('button', { name: 'Save' }).click();
    await tileNamed(ada.page, 'Grace Hopper').waitFor({ timeout: 10_000 });
    // The sender's own confirmation waits for the signal's acknowledgement, which may come after delivery.
    await grace.page
      .locator('#name-status', { hasText: /others now see you as “Grace Hopper”/ })
      .waitFor({ timeout: 10_000 });
    expect(await ownLabel(grace.page)).toBe('You');
    expect(await grace.page.locator('#publisher video').count()).toBe(shownBefore);

    // The new name is the one the next visit starts with.
    await grace.page.goto(url);
    await waitForPlayingVideos(grace.page, '#subscribers', 1);
    expect(await grace.page.locator('#display-name-input').inputValue()).toBe('Grace Hopper');
    await tileNamed(ada.page, 'Grace Hopper').waitFor({ timeout: 10_000 });
    expect(await ada.page.locator('#subscribers .tile').count()).toBe(1);
  });
});

/** What the in-page code below touches of OT and the page (the test program is compiled without the DOM). */
interface SecondConnectionGlobals {
  document: { getElementById(id: string): { textContent: string | null } | null };
  OT: {
    initSession(
      apiKey: string,
      sessionId: string,
    ): {
      connect(token: string, done: (error?: Error) => void): void;
      publish(publisher: unknown, done: (error?: Error) => void): void;
      signal(signal: { type: string; data: string }): Promise<void>;
    };
    initPublisher(target: undefined, properties: object): unknown;
  };
  second?: { signal(signal: { type: string; data: string }): Promise<void> };
}

test('a name signal renames only the streams of the connection that sent it, and only with a valid name', async () => {
  const url = `${suite.app.url}/hello-world`;
  const tricky = '<b>Ada</b>';
  await withPeople(
    [`${url}?name=${encodeURIComponent(tricky)}`, `${url}?name=Grace`],
    async ([ada, grace]) => {
      await tileNamed(grace.page, tricky).waitFor({ timeout: 10_000 });
      // Drawn as text: the markup in the name made no element.
      expect(await grace.page.locator('#subscribers .tile b').count()).toBe(0);

      // A second connection from Ada's page (same token, so the same name) publishes a second camera.
      await ada.page.evaluate(async () => {
        const g = globalThis as unknown as SecondConnectionGlobals;
        const data = JSON.parse(g.document.getElementById('page-data')?.textContent ?? '{}');
        const second = g.OT.initSession(data.apiKey, data.sessionId);
        await new Promise<void>((resolve, reject) =>
          second.connect(data.token, (error) => (error ? reject(error) : resolve())),
        );
        const publisher = g.OT.initPublisher(undefined, { insertDefaultUI: true });
        await new Promise<void>((resolve, reject) =>
          second.publish(publisher, (error) => (error ? reject(error) : resolve())),
        );
        g.second = second;
      });
      await waitForPlayingVideos(grace.page, '#subscribers', 2);
      expect(await tileNamed(grace.page, tricky).count()).toBe(2);

      const sendFromSecond = (name: string) =>
        ada.page.evaluate(
          (data) =>
            (globalThis as unknown as SecondConnectionGlobals).second?.signal({ type: 'display-name', data }),
          name,
        );
      await sendFromSecond('Second camera');
      await tileNamed(grace.page, 'Second camera').waitFor({ timeout: 10_000 });
      expect(await tileNamed(grace.page, tricky).count()).toBe(1);

      // Names no page of the app would send are not believed.
      await sendFromSecond('Evil\u0007name');
      await sendFromSecond('x'.repeat(51));
      await sendFromSecond('\u202Eevil');
      // Ada's own page renames her first camera; once Grace sees that, she has had the signals sent before it.
      await ada.page.fill('#display-name-input', 'Ada');
      await ada.page.getByRole('button', { name: 'Save' }).click();
      await tileNamed(grace.page, 'Ada').waitFor({ timeout: 10_000 });
      expect(await tileNamed(grace.page, 'Second camera').count()).toBe(1);
      expect(await grace.page.locator('#subscribers .tile').count()).toBe(2);
    },
  );
});

test('muting the microphone and turning the camera off show on both tabs, and undoing it clears the marks', async () => {
  const url = `${suite.app.url}/participant`;
  await withPeople([`${url}?name=Ada`, `${url}?name=Grace`], async ([ada, grace]) => {
    const adaSeenByGrace = tileNamed(grace.page, 'Ada');
    await adaSeenByGrace.waitFor({ timeout: 10_000 });
    for (const kind of ['audio', 'video'] as const) {
      expect(await mark(adaSeenByGrace, kind).isVisible()).toBe(false);
      expect(await mark(ownTile(ada.page), kind).isVisible()).toBe(false);
    }

    await ada.page.getByRole('button', { name: 'Mute microphone' }).click();
    // The camera button is used from the keyboard.
    await ada.page.getByRole('button', { name: 'Turn camera off' }).focus();
    await ada.page.keyboard.press('Enter');
    await Promise.all([
      waitForMark(adaSeenByGrace, 'audio', true),
      waitForMark(adaSeenByGrace, 'video', true),
      waitForMark(ownTile(ada.page), 'audio', true),
      waitForMark(ownTile(ada.page), 'video', true),
    ]);
    // Words for screen readers, not only the icons.
    expect(await adaSeenByGrace.locator('.tile-marks').textContent()).toMatch(
      /Microphone off[\s\S]*Camera off/,
    );
    await ada.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    await ada.page.getByRole('button', { name: 'Turn camera on' }).waitFor();
    // Grace's own tile says nothing of Ada's choice.
    expect(await mark(ownTile(grace.page), 'audio').isVisible()).toBe(false);

    await ada.page.getByRole('button', { name: 'Unmute microphone' }).click();
    await ada.page.getByRole('button', { name: 'Turn camera on' }).click();
    await Promise.all([
      waitForMark(adaSeenByGrace, 'audio', false),
      waitForMark(adaSeenByGrace, 'video', false),
      waitForMark(ownTile(ada.page), 'audio', false),
      waitForMark(ownTile(ada.page), 'video', false),
    ]);
    await ada.page.getByRole('button', { name: 'Mute microphone' }).waitFor();
  });
});

test('someone who joins while muted is shown muted from the start', async () => {
  const url = `${suite.app.url}/hello-world`;
  await withPeople([`${url}?name=Ada`], async ([ada]) => {
    await ada.page.getByRole('button', { name: 'Mute microphone' }).click();
    await waitForMark(ownTile(ada.page), 'audio', true);
    await withPeople([`${url}?name=Grace`], async ([grace]) => {
      const adaSeenByGrace = tileNamed(grace.page, 'Ada');
      await adaSeenByGrace.waitFor({ timeout: 10_000 });
      await waitForMark(adaSeenByGrace, 'audio', true);
      expect(await mark(adaSeenByGrace, 'video').isVisible()).toBe(false);
    });
  });
});

/** Makes getUserMedia refuse, as a browser does when the person blocked the camera, until `allowCamera` is set. */
const REFUSE_CAMERA = `
  (() => {
    const devices = navigator.mediaDevices;
    const real = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) =>
      window.allowCamera
        ? real(constraints)
        : Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  })();
`;

test('a refused camera is explained in the own tile with Retry, and the others are still shown', async () => {
  const url = `${suite.app.url}/hello-world`;
  await withPeople([`${url}?name=Ada`], async ([ada]) => {
    const context = await suite.browser.newContext();
    try {
      await context.addInitScript({ content: REFUSE_CAMERA });
      const page = await context.newPage();
      await page.goto(`${url}?name=Grace`);
      const tile = ownTile(page);
      const problem = tile.locator('.tile-problem');
      await problem.waitFor({ timeout: 15_000 });
      expect(await problem.innerText()).toMatch(
        /Camera and microphone blocked — allow them in the browser’s site settings, then reload/,
      );
      expect(await tile.locator('.tile-name').innerText()).toBe('You');
      expect(await page.locator('#publisher video').count()).toBe(0);
      // Nothing to mute, and the page says why.
      expect(await page.locator('#toggle-microphone').isDisabled()).toBe(true);
      expect(await page.locator('#toggle-camera').isDisabled()).toBe(true);
      expect(await page.locator('#media-controls-reason').innerText()).toMatch(/not available/);

      // Subscribing works without publishing: Ada is there, by name.
      await waitForPlayingVideos(page, '#subscribers', 1);
      await tileNamed(page, 'Ada').waitFor();

      // Still blocked: Retry says so again.
      await tile.getByRole('button', { name: 'Retry' }).click();
      await tile.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 10_000 });
      await problem.waitFor();

      // Allowed now: Retry brings the camera, and Ada sees Grace.
      await page.evaluate(() => {
        (globalThis as unknown as { allowCamera: boolean }).allowCamera = true;
      });
      await tile.getByRole('button', { name: 'Retry' }).click();
      await waitForPlayingVideos(page, '#publisher', 1);
      expect(await problem.isVisible()).toBe(false);
      expect(await page.locator('#toggle-microphone').isDisabled()).toBe(false);
      await tileNamed(ada.page, 'Grace').waitFor({ timeout: 10_000 });
      await waitForPlayingVideos(ada.page, '#subscribers', 1);
    } finally {
      await context.close();
    }
  });
});
