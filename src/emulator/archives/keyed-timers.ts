/** Timers of the archive lifecycle, one per key (an archive or a session): starting one replaces the last. */
import type { Logger } from 'pino';

export interface KeyedTimers {
  /** runs `task` after `ms` unless cleared, replaced or closed first; a failure is logged */
  start(key: string, ms: number, task: () => Promise<unknown>): void;
  clear(key: string): void;
  /** clears every timer; none starts a task afterwards */
  close(): void;
}

export function createKeyedTimers(logger: Logger): KeyedTimers {
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const clear = (key: string): void => {
    const timer = timers.get(key);
    if (timer) clearTimeout(timer);
    timers.delete(key);
  };

  return {
    start(key, ms, task) {
      clear(key);
      const timer = setTimeout(() => {
        timers.delete(key);
        if (closed) return;
        task().catch((error: unknown) => logger.error({ err: error, key }, 'archive timer task failed'));
      }, ms);
      timer.unref();
      timers.set(key, timer);
    },
    clear,
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
