/**
 * Emulator storage benchmark: session creation and media chunk upload over HTTP against an emulator whose data
 * folder holds a long history (10,000 sessions and 1,000 archives), measured against one with an empty data
 * folder in the same run. The cost of a save must not grow with history: the history's throughput stays at
 * 0.8 of the empty store's or better (each operation within 1.25 times the empty store's cost).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmulatorServer, type RunningEmulatorServer } from '../src/emulator/server';
import { FakeBrowser, realtimeUrlOf } from '../test/emulator/support/fake-browser';
import {
  archivePath,
  createSession,
  jwtClientToken,
  rest,
  type Project,
} from '../test/emulator/support/platform-client';
import { historyState as seededHistory, uploadRecord } from '../test/emulator/support/records';
import { putChunk } from '../test/emulator/support/uploads';
import { median, type BenchRow } from './measure';

export interface StoreBenchOptions {
  sessions?: number;
  archives?: number;
  /** interleaved rounds; both stores are measured once per round, in alternating order */
  rounds?: number;
  roundMs?: number;
  warmupMs?: number;
  chunkBytes?: number;
}

export interface StoreBenchResult {
  rows: BenchRow[];
  notes: string[];
}

const TARGET_RATIO = 0.8;
const API_KEY = '100000001';
const API_SECRET = 'b'.repeat(40);

/** One emulator on its own data folder, with a client recording a composed archive into it. */
interface StoreTarget {
  label: string;
  server: RunningEmulatorServer;
  project: Project;
  dataDir: string;
  browser: FakeBrowser;
  archiveId: string;
  nextSeq: number;
}

/** An emulator.json of an earlier version holding the history; the emulator moves it to records/ at start. */
function historyState(sessions: number, archives: number): string {
  return seededHistory(sessions, archives, (n) => {
    const upload = (streamId: string) =>
      uploadRecord(streamId, {
        connectionData: `name=${streamId}`,
        nextSeq: 240,
        bytes: 120_000_000,
        stopTimeOffset: 120_000,
      });
    return {
      apiKey: API_KEY,
      updatedAt: 1_700_000_120_000 + n,
      stoppedAt: 1_700_000_120_000 + n,
      size: 240_000_000,
      duration: 120,
      sha256sum: 'c2hhMjU2c3Vt',
      uploads: { [`stream-${n}-a`]: upload(`stream-${n}-a`), [`stream-${n}-b`]: upload(`stream-${n}-b`) },
    };
  });
}

async function startTarget(label: string, state: string | null): Promise<StoreTarget> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-store-'));
  if (state) await writeFile(path.join(dataDir, 'emulator.json'), state);
  const server = await startEmulatorServer({
    dataDir,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    logger: pino({ level: 'silent' }),
  });
  const project = { url: server.url, apiKey: API_KEY, apiSecret: API_SECRET };
  const sessionId = await createSession(project);
  const browser = await FakeBrowser.join(realtimeUrlOf(server.url), {
    apiKey: API_KEY,
    sessionId,
    token: await jwtClientToken(project, sessionId),
  });
  await browser.publish();
  const started = await rest(project, 'POST', archivePath(project), { body: { sessionId } });
  const archiveId = (started.body as { id: string }).id;
  await browser.waitFor((m) => m.type === 'recorderElected');
  return { label, server, project, dataDir, browser, archiveId, nextSeq: 0 };
}

async function stopTarget(target: StoreTarget): Promise<void> {
  await target.browser.leave().catch(() => undefined);
  await target.server.close();
  await rm(target.dataDir, { recursive: true, force: true });
}

/** Runs `operation` one call after another for `ms`; calls per second and every call's latency. */
async function measureFor(
  ms: number,
  operation: () => Promise<void>,
): Promise<{ opsPerSec: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  // Bounded by time: each call is one request, and the loop ends at the deadline.
  while (performance.now() - start < ms) {
    const callStart = performance.now();
    await operation();
    latenciesMs.push(performance.now() - callStart);
  }
  return { opsPerSec: latenciesMs.length / ((performance.now() - start) / 1000), latenciesMs };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Interleaved rounds of the same operation on the history store (subject) and the empty one (baseline). */
async function compareStores(
  name: string,
  history: StoreTarget,
  empty: StoreTarget,
  operation: (target: StoreTarget) => Promise<void>,
  options: Required<Pick<StoreBenchOptions, 'rounds' | 'roundMs' | 'warmupMs'>>,
): Promise<{ row: BenchRow; note: string }> {
  await measureFor(options.warmupMs, () => operation(history));
  await measureFor(options.warmupMs, () => operation(empty));
  const runs = { history: [] as number[], empty: [] as number[], ratios: [] as number[] };
  const latencies = { history: [] as number[], empty: [] as number[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [history, empty] : [empty, history];
    const results = new Map<StoreTarget, Awaited<ReturnType<typeof measureFor>>>();
    for (const target of order)
      results.set(target, await measureFor(options.roundMs, () => operation(target)));
    const h = results.get(history) as Awaited<ReturnType<typeof measureFor>>;
    const e = results.get(empty) as Awaited<ReturnType<typeof measureFor>>;
    runs.history.push(h.opsPerSec);
    runs.empty.push(e.opsPerSec);
    runs.ratios.push(h.opsPerSec / e.opsPerSec);
    latencies.history.push(...h.latenciesMs);
    latencies.empty.push(...e.latenciesMs);
  }
  const ratio = median(runs.ratios);
  const pMax = (values: number[]) => Math.max(...values).toFixed(1);
  return {
    row: {
      name: `${name}, ${history.label}`,
      opsPerSec: median(runs.history),
      baselineName: `${name}, ${empty.label}`,
      baselineOpsPerSec: median(runs.empty),
      ratio,
      target: TARGET_RATIO,
      p99Ms: percentile(latencies.history, 99),
    },
    note: `${name}: one call costs ${(1 / ratio).toFixed(2)}× the empty store's (target ≤ ${(1 / TARGET_RATIO).toFixed(2)}×); p-max ${pMax(latencies.history)} ms with the history, ${pMax(latencies.empty)} ms empty`,
  };
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const {
    sessions = 10_000,
    archives = 1_000,
    rounds = 9,
    roundMs = 500,
    warmupMs = 300,
    chunkBytes = 32 * 1024,
  } = options;
  const history = await startTarget(
    `${sessions.toLocaleString('en-US')} sessions + ${archives.toLocaleString('en-US')} archives stored`,
    historyState(sessions, archives),
  );
  const empty = await startTarget('empty store', null);
  try {
    const chunk = Buffer.alloc(chunkBytes, 7);
    const createOne = async (target: StoreTarget): Promise<void> => {
      await createSession(target.project);
    };
    const uploadOne = async (target: StoreTarget): Promise<void> => {
      const seq = target.nextSeq++;
      const answer = await putChunk(target.server, target.browser, target.archiveId, 'composed', seq, chunk);
      if (answer.status !== 200) throw new Error(`chunk ${seq} answered ${answer.status}`);
    };
    const measured = { rounds, roundMs, warmupMs };
    const create = await compareStores('session create', history, empty, createOne, measured);
    const upload = await compareStores(
      `chunk upload (${chunkBytes / 1024} KiB)`,
      history,
      empty,
      uploadOne,
      measured,
    );
    return { rows: [create.row, upload.row], notes: [create.note, upload.note] };
  } finally {
    await stopTarget(history);
    await stopTarget(empty);
  }
}
