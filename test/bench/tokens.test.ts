/** The token benchmark runs end to end and reports consistent rows (short rounds; no speed asserted). */
import { runTokenBench } from '../../bench/tokens';

it('measures T1, HS256 and RS256 tokens against their baselines', async () => {
  const rows = await runTokenBench({ rounds: 1, roundMs: 20, warmupMs: 10 });
  expect(rows.map((row) => [row.name, row.target])).toEqual([
    ['T1 token (generateToken, tokenType T1)', 0],
    ['JWT token HS256 (generateToken)', 0.5],
    ['JWT token RS256, Vonage (generateToken)', 0.5],
  ]);
  for (const row of rows) {
    expect(row.opsPerSec).toBeGreaterThan(0);
    expect(row.baselineOpsPerSec).toBeGreaterThan(0);
    expect(row.ratio).toBeCloseTo(row.opsPerSec / row.baselineOpsPerSec, 5);
  }
  expect(rows[0]?.baselineName).toMatch(/^HMAC-SHA1 hex over \d+ chars$/);
});
