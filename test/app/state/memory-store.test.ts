/** The single-instance store: one creation per key, failures forgotten, announcements heard at once. */
import { createMemoryStore } from '../../../src/app/state/memory-store';

it('runs one creation for concurrent first calls and keeps its value', async () => {
  const store = createMemoryStore();
  let creates = 0;
  const create = async () => `value-${++creates}`;
  const values = await Promise.all(Array.from({ length: 10 }, () => store.getOrCreate('a', create)));
  expect(new Set(values)).toEqual(new Set(['value-1']));
  expect(await store.getOrCreate('a', create)).toBe('value-1');
  expect(await store.getOrCreate('b', create)).toBe('value-2');
});

it('forgets a failed creation, so the next call tries again', async () => {
  const store = createMemoryStore();
  await expect(store.getOrCreate('a', () => Promise.reject(new Error('platform down')))).rejects.toThrow(
    'platform down',
  );
  expect(await store.getOrCreate('a', () => Promise.resolve('created'))).toBe('created');
});

it('tells listeners of an announcement before announce settles', async () => {
  const store = createMemoryStore();
  const heard: string[] = [];
  store.onAnnouncement('changed', () => heard.push('changed'));
  const announced = store.announce('changed');
  expect(heard).toEqual(['changed']);
  await announced;
  await expect(store.check()).resolves.toBeUndefined();
  expect(store.kind).toBe('memory');
});
