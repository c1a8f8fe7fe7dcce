/** Picks the state store the configuration asks for: Redis when REDIS_URL is set, memory otherwise. */
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { createMemoryStore } from './memory-store';
import { connectRedisStore } from './redis-store';
import type { StateStore } from './state-store';

export function openStateStore(config: Pick<AppConfig, 'redisUrl'>, logger: Logger): Promise<StateStore> {
  return config.redisUrl
    ? connectRedisStore({ url: config.redisUrl, logger })
    : Promise.resolve(createMemoryStore());
}
