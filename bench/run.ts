/** `npm run bench`: runs each benchmark section and prints one table of throughputs and ratios. */
import type { BenchRow } from './measure';
import { runTokenBench } from './tokens';

/** The sections, in the order they run. Add a section by adding a line. */
const sections: Array<{ title: string; run: () => Promise<BenchRow[]> }> = [
  { title: 'Client tokens', run: () => runTokenBench() },
];

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function printSection(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const table = rows.map((row) => ({
    subject: row.name,
    'ops/s': format(row.opsPerSec),
    baseline: row.baselineName,
    'baseline ops/s': format(row.baselineOpsPerSec),
    ratio: row.ratio.toFixed(2),
    target: `≥ ${row.target}`,
    met: row.ratio >= row.target ? 'yes' : 'NO',
  }));
  console.table(table);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; medians of 5 interleaved rounds after a warm-up`);
  for (const section of sections) printSection(section.title, await section.run());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
