/** The Redis store against a real redis-server: the creation lock, its bounds, and announcements. */
import pino from 'pino';
import { createClient } from 'redis';
import { connectRedisStore } from '../../../src/app/state/redis-store';
import { StoreUnavailableError, type StateStore } from '../../../src/app/state/state-store';
import { startRedisServer, type TestRedis } from '../../helpers/redis-server';

const PREFIX = 'test:';
let redis: TestRedis;
let raw: ReturnType<typeof createClient>;
const stores: StateStore[] = [];

const connect = async (options: { waitMs?: number; lockMs?: number } = {}) => {
  const store = await connectRedisStore({
    url: redis.url,
    logger: pino({ level: 'silent' }),
    prefix: PREFIX,
    ...options,
  });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  redis = await startRedisServer();
  raw = createClient({ url: redis.url });
  // The last test stops Redis; this client only reconnects.
  raw.on('error', () => undefined);
  await raw.connect();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await raw?.close();
  await redis?.close();
});
beforeEach(async () => {
  await raw.flushAll();
});

it('runs one creation across stores and releases the lock after a failed one', async () => {
  const [a, b] = [await connect(), await connect()];
  await expect(a.getOrCreate('k', () => Promise.reject(new Error('platform down')))).rejects.toThrow(
    'platform down',
  );
  expect(await raw.exists(`${PREFIX}lock:k`)).toBe(0);
  let creates = 0;
  const create = async () => `v${++creates}`;
  const values = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrCreate('k', create)),
  );
  expect(new Set(values)).toEqual(new Set(['v1']));
  expect(creates).toBe(1);
  expect(await raw.get(`${PREFIX}value:k`)).toBe('v1');
});

it('waits for the value another instance is creating, and for a bounded time only', async () => {
  const store = await connect({ waitMs: 300 });
  await raw.set(`${PREFIX}lock:k`, 'someone-else', { expiration: { type: 'PX', value: 5000 } });
  const create = jest.fn(async () => 'mine');
  setTimeout(() => void raw.set(`${PREFIX}value:k`, 'theirs'), 100);
  expect(await store.getOrCreate('k', create)).toBe('theirs');
  expect(create).not.toHaveBeenCalled();

  await raw.set(`${PREFIX}lock:other`, 'someone-else', { expiration: { type: 'PX', value: 5000 } });
  const startedAt = Date.now();
  await expect(store.getOrCreate('other', create)).rejects.toThrow(StoreUnavailableError);
  expect(Date.now() - startedAt).toBeLessThan(2000);
  expect(create).not.toHaveBeenCalled();
});

it('delivers an announcement once to every store, the announcer first', async () => {
  const [a, b] = [await connect(), await connect()];
  const heard: string[] = [];
  a.onAnnouncement('changed', () => heard.push('a'));
  b.onAnnouncement('changed', () => heard.push('b'));
  const announced = a.announce('changed');
  expect(heard).toEqual(['a']);
  await announced;
  const deadline = Date.now() + 2000;
  while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(heard).toEqual(['a', 'b']);
});

it('fails a command in bounded time when Redis holds the connection but does not answer', async () => {
  const store = await connect();
  redis.pause();
  try {
    const startedAt = Date.now();
    await expect(store.getOrCreate('k', () => Promise.resolve('v'))).rejects.toThrow(StoreUnavailableError);
    await expect(store.check()).rejects.toThrow(StoreUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(6000);
  } finally {
    redis.resume();
  }
  await expect(store.check()).resolves.toBeUndefined();
});

it('closes while Redis is away', async () => {
  const store = await connectRedisStore({
    url: redis.url,
    logger: pino({ level: 'silent' }),
    prefix: PREFIX,
  });
  await redis.stop();
  try {
    await expect(store.check()).rejects.toThrow(StoreUnavailableError);
    const startedAt = Date.now();
    await store.close();
    expect(Date.now() - startedAt).toBeLessThan(2000);
  } finally {
    await redis.start();
    await raw.ping().catch(() => undefined);
  }
});
