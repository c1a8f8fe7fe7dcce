/** Throughput measurement shared by the benchmark sections: warm-up, interleaved rounds, medians. */

/** One line of the benchmark table: a subject measured against a baseline in the same run. */
export interface BenchRow {
  name: string;
  opsPerSec: number;
  baselineName: string;
  baselineOpsPerSec: number;
  /** Median of the per-round ratios subject / baseline. */
  ratio: number;
  /** The ratio the project aims for; 0 for a row that is only reported. */
  target: number;
  /** 99th percentile latency, for rows measured over HTTP. */
  p99Ms?: number;
}

/** How long to measure; the defaults keep each subject at about 1.5 s. */
export interface MeasureOptions {
  rounds?: number;
  roundMs?: number;
  warmupMs?: number;
}

const BATCH = 200;

/** Calls `fn` in batches until `ms` has passed; returns calls per second. */
function opsPerSecond(fn: () => unknown, ms: number): number {
  let calls = 0;
  let sink: unknown;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  // Bounded by time: each batch is short, and the loop ends at the deadline.
  while (now < deadline) {
    for (let i = 0; i < BATCH; i++) sink = fn();
    calls += BATCH;
    now = process.hrtime.bigint();
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return calls / (Number(now - start) / 1e9);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Measures `subject` against `baseline`: a warm-up of both, then rounds that alternate which one runs
 * first, so that CPU frequency changes and neighbours' load hit both alike.
 */
export function compare(
  name: string,
  subject: () => unknown,
  baselineName: string,
  baseline: () => unknown,
  target: number,
  options: MeasureOptions = {},
): BenchRow {
  const { rounds = 5, roundMs = 300, warmupMs = 300 } = options;
  opsPerSecond(subject, warmupMs);
  opsPerSecond(baseline, warmupMs);
  const subjectRuns: number[] = [];
  const baselineRuns: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let s: number;
    let b: number;
    if (round % 2 === 0) {
      s = opsPerSecond(subject, roundMs);
      b = opsPerSecond(baseline, roundMs);
    } else {
      b = opsPerSecond(baseline, roundMs);
      s = opsPerSecond(subject, roundMs);
    }
    subjectRuns.push(s);
    baselineRuns.push(b);
    ratios.push(s / b);
  }
  return {
    name,
    opsPerSec: median(subjectRuns),
    baselineName,
    baselineOpsPerSec: median(baselineRuns),
    ratio: median(ratios),
    target,
  };
}
