/**
 * 200 simulated participants ask the app in local mode for pages and tokens for 30 seconds: no request may
 * fail, every page must carry a fresh token, and the app's memory must stay flat. The app runs in a child
 * process (the benchmark's target) so that its memory is its own.
 */
import { Agent, request as httpRequest } from 'node:http';
import { startTarget, type Target } from '../../bench/http';
import { readPageData } from '../app/helpers/app-harness';

jest.setTimeout(120_000);

const PARTICIPANTS = 200;
const DURATION_MS = Number(process.env.LOAD_TEST_MS ?? 30_000);
const WARMUP_MS = Math.min(5_000, DURATION_MS / 4);
const PAGES = ['/participant', '/hello-world', '/host', '/history', '/history.json'] as const;

interface Outcome {
  requests: number;
  /** Requests a browser would have retried: the server closed an idle kept-alive socket as it was reused. */
  retried: number;
  errors: string[];
  tokens: Set<string>;
  tokenPages: number;
  latenciesMs: number[];
}

class ReusedSocketReset extends Error {}

function get(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 15 s')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(req.reusedSocket && error.code === 'ECONNRESET' ? new ReusedSocketReset(error.message) : error),
    );
    req.end();
  });
}

/** One participant: pages in turn with a short think time, until the deadline. */
async function participant(index: number, baseUrl: string, agent: Agent, deadline: number, outcome: Outcome) {
  for (let i = index; Date.now() < deadline; i++) {
    const page = PAGES[i % PAGES.length] as (typeof PAGES)[number];
    const started = performance.now();
    try {
      const res = await get(agent, `${baseUrl}${page}`).catch((error: unknown) => {
        // HTTP lets a client retry an idempotent request once when a kept-alive socket was closed under it
        // (RFC 9112 §9.3.1), as browsers do; a second failure, or one on a fresh socket, is an error.
        if (!(error instanceof ReusedSocketReset)) throw error;
        outcome.retried += 1;
        return get(agent, `${baseUrl}${page}`);
      });
      outcome.latenciesMs.push(performance.now() - started);
      outcome.requests += 1;
      if (res.status !== 200) outcome.errors.push(`${page}: HTTP ${res.status}`);
      else if (page !== '/history' && page !== '/history.json') {
        const { token } = readPageData(res.body);
        outcome.tokenPages += 1;
        if (!token) outcome.errors.push(`${page}: no token in the page`);
        else outcome.tokens.add(token);
      }
    } catch (error) {
      outcome.errors.push(`${page}: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  }
}

let app: Target;
beforeAll(async () => {
  app = await startTarget('app');
});
afterAll(() => app?.stop());

it(`serves ${PARTICIPANTS} participants for ${DURATION_MS / 1000} s without an error, with flat memory`, async () => {
  const baseUrl = app.urls.app as string;
  // The free-socket timeout makes the agent heed the server's `Keep-Alive: timeout=5` hint (closing idle
  // sockets a second before the server would); without one, it reuses sockets the server is closing.
  const agent = new Agent({ keepAlive: true, maxSockets: PARTICIPANTS, timeout: 60_000 });
  const outcome: Outcome = {
    requests: 0,
    retried: 0,
    errors: [],
    tokens: new Set(),
    tokenPages: 0,
    latenciesMs: [],
  };
  const started = Date.now();
  const deadline = started + DURATION_MS;
  const running = Array.from({ length: PARTICIPANTS }, (_, i) =>
    participant(i, baseUrl, agent, deadline, outcome),
  );

  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const warm = await app.memory(true);
  await Promise.all(running);
  const end = await app.memory(true);
  agent.destroy();

  const elapsedS = (Date.now() - started) / 1000;
  const sorted = [...outcome.latenciesMs].sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? NaN;
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `load: ${PARTICIPANTS} participants, ${outcome.requests} requests in ${elapsedS.toFixed(1)} s ` +
      `(${Math.round(outcome.requests / elapsedS)} req/s, p99 ${p99.toFixed(0)} ms), ${outcome.errors.length} errors, ` +
      `${outcome.retried} retried on a closing kept-alive socket; ` +
      `after warm-up RSS ${mib(warm.rssBytes)} MiB heap ${mib(warm.heapUsedBytes)} MiB; ` +
      `at the end RSS ${mib(end.rssBytes)} MiB heap ${mib(end.heapUsedBytes)} MiB (after GC)`,
  );

  expect(outcome.errors.slice(0, 5)).toEqual([]);
  expect(outcome.requests).toBeGreaterThan(PARTICIPANTS * 5);
  // Every page hands out its own token.
  expect(outcome.tokens.size).toBe(outcome.tokenPages);
  // Flat: a leak of even a few hundred bytes per request would pass these bounds only on a short run.
  expect(end.heapUsedBytes).toBeLessThan(warm.heapUsedBytes * 1.5 + 16 * 1024 * 1024);
  expect(end.rssBytes).toBeLessThan(warm.rssBytes * 1.5 + 64 * 1024 * 1024);
});
