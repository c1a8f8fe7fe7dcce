/**
 * `npm run screenshots`: runs the app in local mode and drives headless Chromium through both demos, writing
 * the README's pictures into docs/screenshots/. It imports the app's own entry (src/app/server.ts) but no test
 * code: test helpers change with the tests' needs, and a script the README depends on should not follow them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../src/app/config';
import { startServer, type RunningServer } from '../src/app/server';
import { CHROMIUM_BASE_ARGS } from './chromium-flags';

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** For pages pictured whole: a short window, so that the picture ends where the page does. */
const DESKTOP_PAGE = { width: 1280, height: 400 };
/** Each wait for the pages; the whole run has its own limit below. */
const STEP_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 4 * 60_000;
/** How long each recording of the history runs. */
const RECORDING_MS = 2500;
const NAMESPACE_MARK = 'SCREENSHOTS_IN_NETNS';

/** Granted fake media, and autoplay so that the others' videos play with their sound. */
const CHROMIUM_ARGS = [
  ...CHROMIUM_BASE_ARGS,
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH to its executable.`,
    );
  }
  // The pages load the local-mode client from public/js/ot-local.js, built from src/client.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-client.mjs')], { cwd: ROOT });
  await mkdir(OUT_DIR, { recursive: true });

  const dataDir = await mkdtemp(path.join(tmpdir(), 'screenshots-'));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' });
    server = await startServer(config, pino({ level: 'warn' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT_MS,
    });
    await shootAll(browser, server.url);
  } finally {
    await browser?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function shootAll(browser: Browser, url: string): Promise<void> {
  const open = async (
    pagePath: string,
    viewport = DESKTOP,
  ): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport, baseURL: url });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    await page.goto(pagePath);
    return { context, page };
  };

  const landing = await open('/', DESKTOP_PAGE);
  await save(landing.page, 'landing.png', { fullPage: true });
  await landing.context.close();

  // Two people in Hello World: each page shows its own video and the other's.
  const ada = await open('/hello-world?name=Ada');
  const ben = await open('/hello-world?name=Ben');
  await step('Hello World: two people see each other', ada.page, () =>
    Promise.all([waitForPlayingVideos(ada.page, 2), waitForPlayingVideos(ben.page, 2)]),
  );
  await save(ada.page, 'hello-world-call.png');
  await Promise.all([ada.context.close(), ben.context.close()]);

  // The host records three times with a participant in the call; the last recording is the picture.
  const host = await open('/host?name=Host');
  const guest = await open('/participant?name=Grace');
  await step('Archiving: the host and a participant see each other', host.page, () =>
    Promise.all([waitForPlayingVideos(host.page, 2), waitForPlayingVideos(guest.page, 2)]),
  );
  const recordings = [
    { name: 'Kick-off', outputMode: 'individual' },
    { name: 'Design review', outputMode: 'composed' },
    { name: 'Weekly sync', outputMode: 'composed' },
  ];
  for (const [index, recording] of recordings.entries()) {
    const isLast = index === recordings.length - 1;
    await step(`Archiving: start "${recording.name}"`, host.page, () =>
      startRecording(host.page, recording.name, recording.outputMode),
    );
    await host.page.waitForTimeout(RECORDING_MS);
    if (isLast) {
      // The whole page: the controls, the recording mark and the call below them.
      await save(host.page, 'host-recording.png', { fullPage: true });
      await host.page.setViewportSize(PHONE);
      await waitForPlayingVideos(host.page, 2);
      await save(host.page, 'host-recording-phone.png', { fullPage: true });
      await host.page.setViewportSize(DESKTOP);
    }
    await step(`Archiving: stop "${recording.name}"`, host.page, () => stopRecording(host.page));
  }
  await Promise.all([host.context.close(), guest.context.close()]);

  await waitUntilProcessed(url);
  const history = await open('/history', DESKTOP_PAGE);
  await save(history.page, 'history.png', { fullPage: true });
  await history.page.setViewportSize(PHONE);
  await save(history.page, 'history-phone.png', { fullPage: true });
  await history.context.close();
}

/** What the check below reads in the page; the project's TypeScript settings have no DOM types. */
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<{ readyState: number; videoWidth: number }> };
}

/** Runs one step; on failure, names it and keeps a picture of the page in the temporary folder. */
async function step<T>(name: string, page: Page, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const picture = path.join(tmpdir(), `screenshots-failed-step.png`);
    await page.screenshot({ path: picture }).catch(() => undefined);
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`${name}: ${reason} (the page as it was: ${picture})`, { cause: error });
  }
}

/** Whatever the tiles look like, a call is on screen once this many videos show frames. */
async function waitForPlayingVideos(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const videos = Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('video'));
      return videos.filter((v) => v.readyState >= 2 && v.videoWidth > 0).length >= wanted;
    },
    count,
    { polling: 250 },
  );
}

async function startRecording(page: Page, name: string, outputMode: string): Promise<void> {
  await page.locator('#start-archive:enabled').waitFor();
  await page.fill('#archive-name', name);
  await page.selectOption('#archive-output-mode', outputMode);
  await page.click('#start-archive');
  await page.locator('#recording-indicator[data-recording="true"]').waitFor();
}

async function stopRecording(page: Page): Promise<void> {
  await page.locator('#stop-archive:enabled').waitFor();
  await page.click('#stop-archive');
  await page.locator('#recording-indicator[data-recording="false"]').waitFor();
}

/** The history's own JSON says when no recording is still being processed. */
async function waitUntilProcessed(url: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/history.json`);
    if (response.ok && !((await response.json()) as { isPending: boolean }).isPending) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The recordings were still being processed after ${STEP_TIMEOUT_MS / 1000} s.`);
}

async function save(page: Page, file: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // Let layout and the last video frames settle; the pulsing dot and the videos differ on every run anyway.
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT_DIR, file), fullPage: options.fullPage ?? false });
  console.log(`wrote docs/screenshots/${file}`);
}

/**
 * WebRTC would offer the machine's outside addresses, which a sandbox or firewall may block; like the browser
 * tests (.ci/run), the run happens in a network namespace where only loopback exists. Root gets one directly,
 * anyone else through a user namespace. SCREENSHOTS_NETNS=off runs in the current network instead.
 */
function runInLoopbackNamespace(): number | undefined {
  if (
    process.platform !== 'linux' ||
    process.env[NAMESPACE_MARK] ||
    process.env.SCREENSHOTS_NETNS === 'off'
  ) {
    return undefined;
  }
  const unshare = process.getuid?.() === 0 ? ['-n'] : ['-rn'];
  const command = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawnSync(
    'unshare',
    [...unshare, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command],
    {
      stdio: 'inherit',
      env: { ...process.env, [NAMESPACE_MARK]: '1' },
    },
  );
  if (child.error) {
    console.error(
      `Could not enter a loopback-only network namespace (${child.error.message}); run with SCREENSHOTS_NETNS=off to use the current network.`,
    );
    return 1;
  }
  return child.status ?? 1;
}

const namespaced = runInLoopbackNamespace();
if (namespaced !== undefined) {
  process.exit(namespaced);
} else {
  const watchdog = setTimeout(() => {
    console.error(`Screenshots did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes.`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  main().then(
    () => {
      clearTimeout(watchdog);
    },
    (error: unknown) => {
      clearTimeout(watchdog);
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
