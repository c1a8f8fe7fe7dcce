/** One platform session per demo, created on first use and then reused by every instance of the app. */
import type { StateStore } from './state/state-store';

export interface SessionStore {
  /** The session ID; the first call creates the session, concurrent first calls share that one request. */
  getSessionId(): Promise<string>;
}

export interface SessionStoreOptions {
  store: StateStore;
  /** Names the demo and the project: another project's session ID would be no use. */
  key: string;
  create: () => Promise<string>;
}

/**
 * Creating lazily lets the app start while the platform is unreachable; a failed creation is not kept, so
 * the next request tries again. The ID is read from the store on every page, not kept here: the store is
 * where all instances agree, and a store that cannot answer should show as such.
 */
export function createSessionStore({ store, key, create }: SessionStoreOptions): SessionStore {
  return { getSessionId: () => store.getOrCreate(`session:${key}`, create) };
}
