/** The short-lived listing store: one platform call per TTL, shared by concurrent pages, cleared on change. */
import { createRecentAnswers } from '../../src/app/archiving/recent-answers';

function counter(values: Array<number | Error>) {
  let calls = 0;
  const load = async (): Promise<number> => {
    const value = values[Math.min(calls, values.length - 1)] as number | Error;
    calls += 1;
    if (value instanceof Error) throw value;
    return value;
  };
  return { load, calls: () => calls };
}

it('reuses an answer within the TTL and asks again after it', async () => {
  let now = 1000;
  const answers = createRecentAnswers<number>({ ttlMs: 500, clock: () => now });
  const source = counter([1, 2]);
  expect(await answers.get('a', source.load)).toBe(1);
  now += 499;
  expect(await answers.get('a', source.load)).toBe(1);
  now += 1;
  expect(await answers.get('a', source.load)).toBe(2);
  expect(source.calls()).toBe(2);
});

it('concurrent callers share one load; keys are separate', async () => {
  const answers = createRecentAnswers<number>({ ttlMs: 1000 });
  const source = counter([7, 8]);
  const results = await Promise.all([1, 2, 3].map(() => answers.get('a', source.load)));
  expect(results).toEqual([7, 7, 7]);
  expect(await answers.get('b', source.load)).toBe(8);
  expect(source.calls()).toBe(2);
});

it('does not keep a failure: the next caller asks again', async () => {
  const answers = createRecentAnswers<number>({ ttlMs: 60_000 });
  const source = counter([new Error('platform down'), 3]);
  await expect(answers.get('a', source.load)).rejects.toThrow('platform down');
  expect(await answers.get('a', source.load)).toBe(3);
});

it('clear() makes the next caller see the change at once', async () => {
  const answers = createRecentAnswers<number>({ ttlMs: 60_000 });
  const source = counter([1, 2]);
  expect(await answers.get('a', source.load)).toBe(1);
  answers.clear();
  expect(await answers.get('a', source.load)).toBe(2);
});

it('a TTL of 0 asks every time, and the number of kept keys is bounded', async () => {
  const none = createRecentAnswers<number>({ ttlMs: 0 });
  const source = counter([1, 2, 3]);
  await none.get('a', source.load);
  await none.get('a', source.load);
  expect(source.calls()).toBe(2);

  const bounded = createRecentAnswers<number>({ ttlMs: 60_000, maxEntries: 2 });
  const keys = counter([1, 2, 3, 4]);
  await bounded.get('k1', keys.load);
  await bounded.get('k2', keys.load);
  await bounded.get('k3', keys.load);
  await bounded.get('k1', keys.load);
  expect(keys.calls()).toBe(4);
});
