/** The state store of a single instance: plain memory, gone with the process (the default). */
import { EventEmitter } from 'node:events';
import type { StateStore } from './state-store';

/**
 * Concurrent first calls share one pending creation. A failed creation is forgotten, so the next call tries
 * again instead of replaying the old failure forever.
 */
export function createMemoryStore(): StateStore {
  const values = new Map<string, Promise<string>>();
  const announcements = new EventEmitter();
  return {
    kind: 'memory',
    getOrCreate(key, create) {
      let value = values.get(key);
      if (!value) {
        const attempt = create();
        value = attempt;
        values.set(key, attempt);
        attempt.catch(() => {
          if (values.get(key) === attempt) values.delete(key);
        });
      }
      return value;
    },
    announce(topic) {
      announcements.emit(topic);
      return Promise.resolve();
    },
    onAnnouncement(topic, listener) {
      announcements.on(topic, listener);
    },
    check: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
