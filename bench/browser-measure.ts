/**
 * Measures local mode in headless Chromium (run it in the loopback-only namespace, as CI runs the browser tests):
 *   unshare -n sh -c 'ip link set lo up && npx tsx bench/browser-measure.ts'
 * 1. time from opening a second hello-world tab to both tabs playing each other's video;
 * 2. time from Stop to "available" for a 30-second recording, composed and individual;
 * 3. CPU and memory of a three-person call (the browser's processes and the app's own process).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs } from '../test/browser/helpers/chromium';
import { startLocalApp, type LocalApp } from '../test/browser/helpers/local-app';
import { waitForPlayingVideos } from '../test/browser/helpers/page-checks';

const RECORDING_MS = Number(process.env.RECORDING_MS ?? 30_000);
const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 20_000);
const CLK_TCK = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function secondTabToPlaying(app: LocalApp, browser: Browser): Promise<number> {
  const context = await browser.newContext();
  try {
    const first = await context.newPage();
    await first.goto(`${app.url}/hello-world`);
    await waitForPlayingVideos(first, '#publisher', 1);
    const opened = performance.now();
    const second = await context.newPage();
    await second.goto(`${app.url}/hello-world`);
    await Promise.all([
      waitForPlayingVideos(first, '#subscribers', 1),
      waitForPlayingVideos(second, '#subscribers', 1),
    ]);
    return performance.now() - opened;
  } finally {
    await context.close();
  }
}

async function stopToAvailable(
  app: LocalApp,
  browser: Browser,
  outputMode: 'composed' | 'individual',
): Promise<{ ms: number; size: string; duration: string }> {
  const context = await browser.newContext();
  try {
    const host = await context.newPage();
    await host.goto(`${app.url}/host`);
    const participant = await context.newPage();
    await participant.goto(`${app.url}/participant`);
    await Promise.all([
      waitForPlayingVideos(host, '#subscribers', 1),
      waitForPlayingVideos(participant, '#subscribers', 1),
    ]);
    const name = `bench ${outputMode} ${Date.now()}`;
    await host.fill('#archive-form input[name=name]', name);
    await host.selectOption('#archive-form select[name=outputMode]', outputMode);
    await host.click('#start-archive');
    await host.locator('#recording-indicator[data-recording="true"]').waitFor();
    await host.waitForTimeout(RECORDING_MS);
    await host.click('#stop-archive');
    const stopped = performance.now();
    for (let i = 0; i < 600; i++) {
      const response = await host.request.get(`${app.url}/history.json`);
      const body = (await response.json()) as {
        archives: Array<{ name: string; status: string; durationText?: string; sizeText?: string }>;
      };
      const row = body.archives.find((a) => a.name === name);
      if (row?.status === 'available') {
        return {
          ms: performance.now() - stopped,
          size: row.sizeText ?? '?',
          duration: row.durationText ?? '?',
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${outputMode} archive did not become available within 60 s`);
  } finally {
    await context.close();
  }
}

function descendants(rootPid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found = [rootPid];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === found[i]) found.push(pid);
  }
  return found;
}

function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks;
}

function memoryKb(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // ended
    }
  }
  return { rss, pss };
}

async function threePersonCall(
  app: LocalApp,
  browser: Browser,
  server: BrowserServer,
): Promise<Record<string, string>> {
  const context = await browser.newContext();
  try {
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      await page.goto(`${app.url}/hello-world`);
      pages.push(page);
    }
    await Promise.all(pages.map((p) => waitForPlayingVideos(p, '#subscribers', 2)));
    const browserPid = server.process().pid as number;
    const pids = descendants(browserPid);
    const ticks0 = cpuTicks(pids);
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    const elapsedS = (performance.now() - t0) / 1000;
    const browserCpu = (cpuTicks(pids) - ticks0) / CLK_TCK / elapsedS;
    const node = process.cpuUsage(node0);
    const nodeCpu = (node.user + node.system) / 1e6 / elapsedS;
    const memory = memoryKb(descendants(browserPid));
    return {
      'browser CPU (cores, all processes)': browserCpu.toFixed(2),
      'app+emulator CPU (cores)': nodeCpu.toFixed(3),
      'browser RSS (MB, summed)': (memory.rss / 1024).toFixed(0),
      'browser PSS (MB)': (memory.pss / 1024).toFixed(0),
      'app+emulator RSS (MB)': (process.memoryUsage().rss / 1024 / 1024).toFixed(0),
      'browser processes': String(pids.length),
    };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const app = await startLocalApp();
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(),
  });
  const browser = await chromium.connect(server.wsEndpoint());
  try {
    const joins: number[] = [];
    for (let i = 0; i < 3; i++) joins.push(await secondTabToPlaying(app, browser));
    console.log(
      `second tab → both videos playing: median ${median(joins).toFixed(0)} ms (runs: ${joins.map((j) => j.toFixed(0)).join(', ')})`,
    );

    for (const mode of ['composed', 'individual'] as const) {
      const result = await stopToAvailable(app, browser, mode);
      console.log(
        `${RECORDING_MS / 1000} s ${mode} recording, Stop → available: ${result.ms.toFixed(0)} ms (duration ${result.duration}, size ${result.size})`,
      );
    }

    const usage = await threePersonCall(app, browser, server);
    console.log(`three-person hello-world call, sampled over ${SAMPLE_MS / 1000} s:`);
    for (const [k, v] of Object.entries(usage)) console.log(`  ${k}: ${v}`);
  } finally {
    await browser.close();
    await server.close();
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
