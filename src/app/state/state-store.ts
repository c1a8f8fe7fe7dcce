/** The state every instance of the app must agree on, and the error a page gets when it cannot be reached. */
export type StoreKind = 'memory' | 'redis';

export interface StateStore {
  readonly kind: StoreKind;
  /**
   * The value stored at `key`, created by `create` the first time it is asked for. Values never change once
   * stored; across every instance sharing the store, concurrent first calls run `create` once.
   */
  getOrCreate(key: string, create: () => Promise<string>): Promise<string>;
  /** Tells every instance (this one included, before the promise settles) that `topic` changed. Never rejects. */
  announce(topic: string): Promise<void>;
  /** Calls `listener` on each announcement of `topic`, from any instance. */
  onAnnouncement(topic: string, listener: () => void): void;
  /** Resolves when the store answers now; rejects with a StoreUnavailableError otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The shared store did not answer. The error handler answers 503 with this message: the page works again by
 * itself once the store is back, so the message asks the user to wait rather than to change anything.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(init: { message?: string; cause?: unknown } = {}) {
    super(
      init.message ??
        'The app cannot reach its shared state (Redis) right now. Try again in a moment: it recovers by itself once Redis is back.',
      { cause: init.cause },
    );
  }
}
