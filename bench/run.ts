/** `npm run bench`: runs each benchmark section and prints one table of throughputs and ratios. */
import { runStoreBench } from './emulator-store';
import { runHttpBench, type HttpBenchResult } from './http';
import type { BenchRow } from './measure';
import { runTokenBench } from './tokens';

interface SectionResult {
  rows: BenchRow[];
  /** Lines printed under the table. */
  notes?: string[];
}

/** The sections, in the order they run. Add a section by adding a line. */
const sections: Array<{ title: string; run: () => Promise<SectionResult> }> = [
  { title: 'Client tokens', run: async () => ({ rows: await runTokenBench() }) },
  {
    title: 'HTTP (app in local mode; autocannon, 10 connections, 3 interleaved rounds of 4 s)',
    run: async () => describeHttp(await runHttpBench()),
  },
  {
    title: 'Emulator storage (HTTP, one call at a time; a long history against an empty store)',
    run: () => runStoreBench(),
  },
];

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function describeHttp(result: HttpBenchResult): SectionResult {
  const notes: string[] = [];
  notes.push(`failed or non-2xx responses during the rounds: ${result.failures}`);
  notes.push('Host page weight, first load with compression (the platform client excluded):');
  for (const asset of result.pageWeight) {
    notes.push(
      `  ${asset.path.padEnd(40)} ${kib(asset.wireBytes).padStart(10)} on the wire, ${kib(asset.decodedBytes).padStart(10)} decoded, ${asset.contentEncoding.padEnd(8)} Cache-Control: ${asset.cacheControl}`,
    );
  }
  const wire = result.pageWeight.reduce((sum, a) => sum + a.wireBytes, 0);
  const decoded = result.pageWeight.reduce((sum, a) => sum + a.decodedBytes, 0);
  notes.push(
    `  total ${kib(wire)} on the wire (${kib(decoded)} decoded) in ${result.pageWeight.length} requests`,
  );
  const m = result.memory;
  notes.push(
    `Memory: RSS ${mib(m.rssStartBytes)} after start, ${mib(m.rssAfterBytes)} after ${format(m.requests)} requests (${m.errors} failed); heap after GC ${mib(m.heapAfterGcBytes)}`,
  );
  return { rows: result.rows, notes };
}

function printSection(title: string, { rows, notes = [] }: SectionResult): void {
  console.log(`\n${title}`);
  const table = rows.map((row) => ({
    subject: row.name,
    'ops/s': format(row.opsPerSec),
    ...(row.p99Ms === undefined ? {} : { 'p99 ms': row.p99Ms.toFixed(1) }),
    baseline: row.baselineName,
    'baseline ops/s': format(row.baselineOpsPerSec),
    ratio: row.ratio.toFixed(2),
    target: row.target > 0 ? `≥ ${row.target}` : '',
    met: row.target > 0 ? (row.ratio >= row.target ? 'yes' : 'NO') : '',
  }));
  console.table(table);
  for (const line of notes) console.log(line);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; medians of interleaved rounds after a warm-up`);
  const only = process.argv[2];
  for (const section of sections) {
    if (only && !section.title.toLowerCase().startsWith(only.toLowerCase())) continue;
    printSection(section.title, await section.run());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
