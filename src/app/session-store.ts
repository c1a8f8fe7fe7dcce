/** One platform session per demo, created on first use and then reused. */

export interface SessionStore {
  /** The session ID; the first call creates the session, concurrent first calls share that one request. */
  getSessionId(): Promise<string>;
}

/**
 * Creating lazily lets the app start while the platform is unreachable. A failed creation is forgotten,
 * so the next request tries again instead of replaying the old failure forever.
 */
export function createSessionStore(create: () => Promise<string>): SessionStore {
  let pending: Promise<string> | undefined;
  return {
    getSessionId() {
      if (!pending) {
        const attempt = create();
        pending = attempt;
        attempt.catch(() => {
          if (pending === attempt) pending = undefined;
        });
      }
      return pending;
    },
  };
}
