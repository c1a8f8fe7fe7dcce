/**
 * HTTP benchmark: the app's pages in local mode against a minimal Express route and a plain node:http server
 * answering a page of the same size, measured with autocannon in one run; plus the host page's weight on the
 * wire and the app's resident memory after 10 000 requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import autocannon from 'autocannon';
import { median, type BenchRow } from './measure';
import type { ParentMessage, TargetKind, TargetMessage } from './http-targets';

export interface HttpBenchOptions {
  /** Interleaved rounds; every subject and baseline is measured once per round. */
  rounds?: number;
  /** Length of one autocannon measurement. */
  durationSec?: number;
  connections?: number;
  /** Requests sent before measuring memory. */
  memoryRequests?: number;
  /** Length of the warm-up of each subject. */
  warmupSec?: number;
}

export interface AssetWeight {
  path: string;
  wireBytes: number;
  decodedBytes: number;
  contentEncoding: string;
  cacheControl: string;
}

export interface MemoryReport {
  requests: number;
  rssStartBytes: number;
  rssAfterBytes: number;
  heapAfterGcBytes: number;
  errors: number;
}

export interface HttpBenchResult {
  rows: BenchRow[];
  pageWeight: AssetWeight[];
  memory: MemoryReport;
  /** Requests that failed or answered other than 2xx during the throughput rounds; should be 0. */
  failures: number;
}

export interface Target {
  child: ChildProcess;
  urls: Record<string, string>;
  memory(gc: boolean): Promise<{ rssBytes: number; heapUsedBytes: number }>;
  stop(): Promise<void>;
}

const TARGETS_SCRIPT = path.join(__dirname, 'http-targets.ts');
const START_TIMEOUT_MS = 30_000;

/** Starts bench/http-targets.ts under tsx, with --expose-gc so that memory can be read after a collection. */
export function startTarget(kind: TargetKind, args: string[] = []): Promise<Target> {
  const child = fork(TARGETS_SCRIPT, [kind, ...args], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (message: ParentMessage) => child.send(message);
  const next = (type: TargetMessage['type'], timeoutMs: number): Promise<TargetMessage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`bench target "${kind}" sent no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: TargetMessage) => {
        if (message.type !== type) return;
        cleanup();
        resolve(message);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`bench target "${kind}" exited with code ${code}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready', START_TIMEOUT_MS).then((ready) => ({
    child,
    urls: ready.type === 'ready' ? ready.urls : {},
    async memory(gc) {
      const reply = next('memory', 10_000);
      send({ type: 'memory', gc });
      const message = await reply;
      if (message.type !== 'memory') throw new Error('unexpected reply');
      return message;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

interface Shot {
  reqPerSec: number;
  p99Ms: number;
  failures: number;
}

async function shoot(url: string, durationSec: number, connections: number): Promise<Shot> {
  const result = await autocannon({ url, connections, duration: durationSec, timeout: 10 });
  return {
    reqPerSec: result.requests.average,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  wire: Buffer;
}

/** A GET that keeps the body as it came off the socket (node:http does not decompress). */
function getRaw(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function decode(body: Buffer, encoding: string): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

/** The platform's browser client (or its local stand-in) is excluded from the page weight. */
function isPlatformClient(src: string): boolean {
  return src.includes('/vendor/opentok/') || src.endsWith('/ot-local.js');
}

/**
 * Bytes of the host page's first load in a browser that accepts compression: the HTML, its stylesheets and
 * scripts, and the ES modules those scripts import.
 */
export async function measurePageWeight(baseUrl: string, pagePath = '/host'): Promise<AssetWeight[]> {
  const headers = { 'Accept-Encoding': 'gzip, deflate, br', Accept: 'text/html,*/*' };
  const weights: AssetWeight[] = [];
  const seen = new Set<string>();
  const queue: string[] = [pagePath];
  for (let i = 0; i < queue.length && i < 50; i++) {
    const assetPath = queue[i] as string;
    const res = await getRaw(new URL(assetPath, baseUrl).href, headers);
    if (res.status !== 200) throw new Error(`GET ${assetPath} answered ${res.status}`);
    const encoding = String(res.headers['content-encoding'] ?? 'identity');
    const text = decode(res.wire, encoding).toString('utf8');
    weights.push({
      path: assetPath,
      wireBytes: res.wire.length,
      decodedBytes: Buffer.byteLength(text),
      contentEncoding: encoding,
      cacheControl: String(res.headers['cache-control'] ?? '(none)'),
    });
    const references =
      assetPath === pagePath
        ? [
            ...text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g),
            ...text.matchAll(/<script[^>]* src="([^"]+)"/g),
          ].map((m) => m[1] as string)
        : [...text.matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
    for (const ref of references) {
      const resolved = new URL(ref, new URL(assetPath, baseUrl)).pathname;
      if (isPlatformClient(resolved) || seen.has(resolved)) continue;
      seen.add(resolved);
      queue.push(resolved);
    }
  }
  return weights;
}

/** The host page carries the floor; the other pages are reported next to it. */
const PAGES: Array<{ path: string; target: number }> = [
  { path: '/host', target: 0.35 },
  { path: '/participant', target: 0 },
  { path: '/hello-world', target: 0 },
  { path: '/history', target: 0 },
];

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const { rounds = 3, durationSec = 4, connections = 10, memoryRequests = 10_000, warmupSec = 1 } = options;
  const app = await startTarget('app');
  let baselines: Target | undefined;
  try {
    const appUrl = app.urls.app as string;
    const rssStartBytes = (await app.memory(false)).rssBytes;
    const hostPage = await getRaw(`${appUrl}/host`, {});
    baselines = await startTarget('baselines', [String(hostPage.wire.length)]);
    const subjects = [
      ...PAGES.map((page) => ({ name: `GET ${page.path}`, url: `${appUrl}${page.path}` })),
      { name: 'minimal Express route', url: baselines.urls.express as string },
      { name: 'plain node:http', url: baselines.urls.http as string },
    ];

    // Warm-up: JIT, template compilation, the sessions created on first use.
    if (warmupSec > 0) for (const subject of subjects) await shoot(subject.url, warmupSec, connections);

    const shots = new Map<string, Shot[]>(subjects.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so that a neighbour's load or a CPU frequency change hits all subjects alike.
      const order = round % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of order) {
        shots.get(subject.name)?.push(await shoot(subject.url, durationSec, connections));
      }
    }

    const expressShots = shots.get('minimal Express route') ?? [];
    const httpShots = shots.get('plain node:http') ?? [];
    const row = (name: string, target: number, baseline: Shot[], baselineName: string): BenchRow => {
      const own = shots.get(name) ?? [];
      return {
        name,
        opsPerSec: median(own.map((s) => s.reqPerSec)),
        p99Ms: median(own.map((s) => s.p99Ms)),
        baselineName,
        baselineOpsPerSec: median(baseline.map((s) => s.reqPerSec)),
        ratio: median(own.map((s, i) => s.reqPerSec / (baseline[i]?.reqPerSec ?? NaN))),
        target,
      };
    };
    const rows = [
      ...PAGES.map((page) => row(`GET ${page.path}`, page.target, expressShots, 'minimal Express route')),
      row('minimal Express route', 0, httpShots, 'plain node:http'),
    ];
    const failures = [...shots.values()].flat().reduce((sum, s) => sum + s.failures, 0);

    const pageWeight = await measurePageWeight(appUrl);

    const load = await autocannon({
      url: appUrl,
      connections,
      amount: memoryRequests,
      timeout: 10,
      requests: PAGES.map((page) => ({ method: 'GET', path: page.path })),
    });
    const after = await app.memory(false);
    const afterGc = await app.memory(true);
    const memory: MemoryReport = {
      requests: load.requests.total,
      rssStartBytes,
      rssAfterBytes: after.rssBytes,
      heapAfterGcBytes: afterGc.heapUsedBytes,
      errors: load.errors + load.timeouts + load.non2xx,
    };
    return { rows, pageWeight, memory, failures };
  } finally {
    await baselines?.stop();
    await app.stop();
  }
}
