/** The state store shared by several instances of the app: Redis, through node-redis. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { StoreUnavailableError, type StateStore } from './state-store';

export interface RedisStoreOptions {
  /** REDIS_URL, e.g. redis://127.0.0.1:6379 */
  url: string;
  logger: Logger;
  /** Put before every key and channel, so the app can share a Redis with others. */
  prefix?: string;
  /** How long the first connection may take before the start fails. */
  connectTimeoutMs?: number;
  /** How long one instance may hold the right to create a value (a session create is one REST call). */
  lockMs?: number;
  /** How long an instance waits for a value another instance is creating, at most. */
  waitMs?: number;
  /** Longest pause between two reconnection attempts after Redis is lost. */
  maxReconnectDelayMs?: number;
  /** How long a command may wait for Redis's answer before the page gets its 503. */
  commandTimeoutMs?: number;
}

const POLL_MS = 25;

/**
 * Connects, or throws a one-line StoreUnavailableError when Redis does not answer within connectTimeoutMs:
 * an instance that cannot share its state must not start and create sessions of its own.
 */
export async function connectRedisStore({
  url,
  logger,
  prefix = 'opentok-archiving-sample:',
  connectTimeoutMs = 3000,
  lockMs = 10_000,
  waitMs = 15_000,
  maxReconnectDelayMs = 1000,
  commandTimeoutMs = 2000,
}: RedisStoreOptions): Promise<StateStore> {
  const where = describeServer(url);
  let started = false;
  const client = createClient({
    url,
    // While Redis is away a command fails at once (the page answers 503) instead of waiting in a queue.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // At start, one attempt: the failure is reported. Once running, retry for ever with a capped backoff, so
      // the instance recovers by itself within maxReconnectDelayMs of Redis coming back.
      reconnectStrategy: (retries) => (started ? Math.min(50 * 2 ** retries, maxReconnectDelayMs) : false),
    },
  });
  const subscriber = client.duplicate();
  const instanceId = randomUUID();
  const announcements = new EventEmitter();
  const channel = `${prefix}announcements`;
  // Every value this instance has read. Values never change, so after Redis comes back empty (a restart
  // without persistence) each instance writes them back instead of another session or key being created.
  const known = new Map<string, string>();
  let lost = false;

  client.on('error', (error: unknown) => {
    if (!started || lost) return;
    lost = true;
    logger.error(
      { redis: where, reason: describeError(error).message },
      'lost the connection to Redis; retrying',
    );
  });
  subscriber.on('error', () => undefined);
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info({ redis: where }, 'connected to Redis again');
    for (const [key, value] of known) {
      client.set(key, value, { condition: 'NX' }).catch(() => undefined);
    }
  });

  try {
    await client.connect();
    await subscriber.connect();
    await subscriber.subscribe(channel, (message) => {
      const { topic, from } = parseAnnouncement(message);
      if (topic && from !== instanceId) announcements.emit(topic);
    });
  } catch (error) {
    client.destroy();
    subscriber.destroy();
    throw new StoreUnavailableError({
      message: `Cannot connect to Redis at ${where} (${describeError(error).message}): check REDIS_URL and that Redis is running.`,
      cause: error,
    });
  }
  started = true;

  /**
   * Every command goes through here, so that any Redis failure reaches the page as one typed error. The
   * bound is ours: node-redis times out a command only while it waits to be written, so one sent to a Redis
   * that keeps the connection but does not answer (overloaded, paused) would wait for ever.
   */
  const run = async <T>(command: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([command(), late]);
    } catch (error) {
      throw new StoreUnavailableError({ cause: error });
    } finally {
      clearTimeout(timer);
    }
  };

  const remember = (key: string, value: string): string => {
    known.set(key, value);
    return value;
  };

  return {
    kind: 'redis',

    /**
     * SET NX on a short-lived lock key elects one creator among all instances; the others wait for its
     * value. The value itself is written with SET NX as well: if a creator outlived its lock and a second
     * one ran, the first value stored wins and every instance reads that one.
     */
    async getOrCreate(name, create) {
      const key = `${prefix}value:${name}`;
      const lockKey = `${prefix}lock:${name}`;
      const deadline = Date.now() + waitMs;
      for (;;) {
        const stored = await run(() => client.get(key));
        if (stored !== null) return remember(key, stored);
        const locked = await run(() =>
          client.set(lockKey, instanceId, { condition: 'NX', expiration: { type: 'PX', value: lockMs } }),
        );
        if (locked !== null) {
          try {
            // Another instance may have stored the value and released its lock between our read and our lock.
            if ((await run(() => client.get(key))) === null) {
              const created = await create();
              await run(() => client.set(key, created, { condition: 'NX' }));
            }
          } finally {
            // Released at once, so after a failed create the next request tries again without waiting.
            await run(() => client.del(lockKey)).catch(() => undefined);
          }
          continue;
        }
        if (Date.now() > deadline) {
          throw new StoreUnavailableError({
            message: 'Another instance of the app is still setting this page up. Try again in a moment.',
          });
        }
        await sleep(POLL_MS);
      }
    },

    async announce(topic) {
      announcements.emit(topic);
      const message = JSON.stringify({ topic, from: instanceId });
      await run(() => client.publish(channel, message)).catch((error: unknown) => {
        logger.warn(
          {
            redis: where,
            reason: describeError(error instanceof StoreUnavailableError ? error.cause : error).message,
            topic,
          },
          'could not tell the other instances about a change',
        );
      });
    },

    onAnnouncement(topic, listener) {
      announcements.on(topic, listener);
    },

    async check() {
      await run(() => client.ping());
    },

    async close() {
      started = false;
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}

/** Host and port only: a REDIS_URL may carry a password, which must not reach a log or an error page. */
function describeServer(url: string): string {
  try {
    const { protocol, hostname, port } = new URL(url);
    return `${protocol}//${hostname}:${port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof AggregateError && error.errors[0] instanceof Error)
    return describeError(error.errors[0]);
  if (error instanceof Error) return { name: error.name, message: error.message || error.name };
  return { name: 'Error', message: String(error) };
}

function parseAnnouncement(message: string): { topic?: string; from?: string } {
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { topic, from } = parsed as Record<string, unknown>;
    return {
      topic: typeof topic === 'string' ? topic : undefined,
      from: typeof from === 'string' ? from : undefined,
    };
  } catch {
    return {};
  }
}
