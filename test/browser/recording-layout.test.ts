/**
 * Layout and focus while recording, as the downloaded composed recording shows them: the host's and the
 * participant's cameras show different solid colours; the host picks a presentation layout and gives the
 * participant the focus through the app's routes; the recording's last frames show the participant's colour
 * across the large region and the host's in the small tile.
 */
import type { Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import type { PageGlobals } from './helpers/page-shapes';
import { openTwoTabs } from './helpers/video-tabs';

const suite = useAppInChromium();

type Rgb = [red: number, green: number, blue: number];
const HOST_COLOUR: Rgb = [230, 40, 40];
const PARTICIPANT_COLOUR: Rgb = [40, 60, 230];

/**
 * Runs in every page before its scripts: the camera becomes a canvas painted one solid colour, red on the host
 * page and blue elsewhere, so a frame of the recording says whose video is where. The microphone stays the
 * browser's fake one. Plain JavaScript: the test program is compiled without the DOM library (page-shapes.ts).
 */
const PAINT_CAMERA_SOLID = `
(() => {
  const devices = navigator.mediaDevices;
  const realGetUserMedia = devices.getUserMedia.bind(devices);
  const colour = location.pathname.startsWith('/host') ? ${JSON.stringify(HOST_COLOUR)} : ${JSON.stringify(PARTICIPANT_COLOUR)};
  devices.getUserMedia = async (constraints) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d');
    let frame = 0;
    const paint = () => {
      context.fillStyle = 'rgb(' + colour.join(',') + ')';
      context.fillRect(0, 0, 640, 480);
      // A corner pixel that changes, so that every frame is a new one and the video keeps playing.
      frame += 1;
      context.fillStyle = frame % 2 === 0 ? '#000' : '#fff';
      context.fillRect(0, 0, 2, 2);
    };
    paint();
    setInterval(paint, 66);
    const media = constraints && constraints.video ? canvas.captureStream(15) : new MediaStream();
    if (constraints && constraints.audio) {
      const audio = await realGetUserMedia({ audio: constraints.audio });
      for (const track of audio.getAudioTracks()) media.addTrack(track);
    }
    return media;
  };
})();
`;

/** What the in-page functions below touch besides fetch (see page-shapes.ts). */
interface PageWithToken {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
}

/** Posts JSON from the page with its CSRF token, as the page's own scripts do; resolves with status and body. */
async function postFromPage(
  page: Page,
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ path, body }) => {
      const { document } = globalThis as unknown as PageWithToken;
      const token = document.querySelector('meta[name=csrf-token]')?.getAttribute('content') ?? '';
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { path, body },
  );
}

async function waitForAvailable(page: Page, archiveId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await page.evaluate(async (id) => {
      const response = await fetch(`/archive/${encodeURIComponent(id)}`, {
        headers: { accept: 'application/json' },
      });
      return ((await response.json()) as { status?: string }).status;
    }, archiveId);
    if (status === 'available') return;
    if (Date.now() > deadline) throw new Error(`the archive is still ${status} after ${timeoutMs} ms`);
    await page.waitForTimeout(300);
  }
}

/**
 * Plays the recording in the page, stops one second before its end (after the layout change) and reads the
 * colour of the frame at each point, on a 640×480 canvas (the composed recording's own size).
 */
async function coloursNearTheEnd(
  page: Page,
  src: string,
  points: Record<string, [x: number, y: number]>,
): Promise<{ duration: number; colours: Record<string, Rgb> }> {
  return page.evaluate(
    async ({ src, points }) => {
      const { document } = globalThis as unknown as PageGlobals;
      const video = document.createElement('video');
      video.muted = true;
      video.preload = 'auto';
      document.body.appendChild(video);
      await new Promise<void>((resolve, reject) => {
        video.onloadedmetadata = () => resolve();
        video.onerror = () =>
          reject(new Error(`the browser could not load ${src}: ${video.error?.message ?? ''}`));
        video.src = src;
      });
      const duration = video.duration;
      await new Promise<void>((resolve) => {
        video.onseeked = () => resolve();
        video.currentTime = Math.max(0, duration - 1);
      });
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const context = canvas.getContext('2d');
      context?.drawImage(video, 0, 0, 640, 480);
      const colours: Record<string, [number, number, number]> = {};
      for (const [name, [x, y]] of Object.entries(points)) {
        // The mean of a 9×9 patch, so that compression noise on one pixel does not decide.
        const data = context?.getImageData(x - 4, y - 4, 9, 9).data ?? [];
        const sum = [0, 0, 0];
        for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c] ?? 0;
        const pixels = Math.max(1, data.length / 4);
        colours[name] = [sum[0]! / pixels, sum[1]! / pixels, sum[2]! / pixels];
      }
      video.remove();
      return { duration, colours };
    },
    { src, points },
  );
}

/** Which camera a sampled colour is: the one it is clearly closest to, or neither (black, a border, a blend). */
function whoseColour([r, , b]: Rgb): 'host' | 'participant' | 'neither' {
  if (r > 150 && b < 110) return 'host';
  if (b > 150 && r < 110) return 'participant';
  return 'neither';
}

it('records the participant large on top and the host small below after a presentation layout and a focus', async () => {
  await suite.inContext(async (context) => {
    await context.addInitScript({ content: PAINT_CAMERA_SOLID });
    const [host] = await openTwoTabs(context, `${suite.app.url}/host`, `${suite.app.url}/participant`);

    // The host's page shows the participant's stream in a tile that names it.
    const tile = host.locator('#subscribers .tile[data-stream-id]').first();
    await tile.waitFor({ timeout: 15_000 });
    const participantStreamId = await tile.getAttribute('data-stream-id');
    expect(participantStreamId).toBeTruthy();

    const started = await postFromPage(host, '/start', { name: 'Layout and focus', outputMode: 'composed' });
    expect(started.status).toBe(200);
    const archiveId = (started.body as { id: string }).id;
    // The recorder (the host's page, the first to join) starts with bestFit: a moment of it in the file.
    await host.waitForTimeout(1000);

    const layout = await postFromPage(host, `/layout/${encodeURIComponent(archiveId)}`, {
      type: 'horizontalPresentation',
    });
    expect(layout).toEqual({ status: 200, body: { layout: { type: 'horizontalPresentation' } } });
    const focus = await postFromPage(host, '/focus', { streamId: participantStreamId });
    expect(focus).toEqual({ status: 200, body: { focusStreamId: participantStreamId } });

    await host.waitForTimeout(3000);
    expect((await postFromPage(host, `/stop/${encodeURIComponent(archiveId)}`, {})).status).toBe(200);
    await waitForAvailable(host, archiveId);

    // The composed frame is 640×480: the large region is its top 80 % (a 4:3 camera letterboxed to 512×384 in
    // the middle), the small row its bottom 96 px (the host's camera at 128×96 in the middle).
    const { duration, colours } = await coloursNearTheEnd(
      host,
      `/download/${encodeURIComponent(archiveId)}`,
      {
        largeCentre: [320, 192],
        largeLeft: [120, 80],
        largeRight: [520, 320],
        smallTile: [320, 432],
      },
    );
    expect(duration).toBeGreaterThan(3);
    expect(
      Object.fromEntries(Object.entries(colours).map(([name, rgb]) => [name, whoseColour(rgb)])),
    ).toEqual({
      largeCentre: 'participant',
      largeLeft: 'participant',
      largeRight: 'participant',
      smallTile: 'host',
    });
  });
});
