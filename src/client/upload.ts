/** Ordered, resumable chunk upload of one recording to the emulator's media endpoint (src/protocol/media-upload.ts). */
import type { FinishUploadBody } from '../protocol/media-upload';

export interface UploadCredentials {
  connectionId: string;
  uploadKey: string;
}

export interface UploadTarget {
  /** `<origin><emulatorPath>/media` */
  mediaUrl: string;
  archiveId: string;
  streamId: string;
  /** read on every request: a reconnect may hand out a new upload key */
  credentials: () => UploadCredentials;
}

/** Browsers cap the bodies of all in-flight keepalive requests of a page at 64 KiB together. */
const KEEPALIVE_BUDGET_BYTES = 60 * 1024;
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

export class ChunkUploader {
  readonly #target: UploadTarget;
  readonly #queue: Array<{ seq: number; blob: Blob }> = [];
  #nextSeq = 0;
  #pumping: Promise<void> | null = null;
  #finished = false;
  /** bytes the emulator has confirmed */
  uploadedBytes = 0;

  constructor(target: UploadTarget) {
    this.#target = target;
  }

  push(blob: Blob): void {
    if (this.#finished || blob.size === 0) return;
    this.#queue.push({ seq: this.#nextSeq++, blob });
    this.#pump().catch((error: unknown) => console.warn('OT: a recording upload failed', error));
  }

  /** Resolves when every queued chunk has been stored, or the retries for the head chunk ran out. */
  async flush(): Promise<void> {
    while (this.#pumping) await this.#pumping;
    if (this.#queue.length > 0) await this.#pump();
  }

  /** Tells the emulator how many chunks were sent, none included, so it neither waits nor stops too early. */
  async finish(body: Omit<FinishUploadBody, 'chunks'>): Promise<void> {
    if (this.#finished) return;
    await this.flush();
    // The page may have unloaded meanwhile, and abandon() sent the finish.
    if (this.#finished) return;
    this.#finished = true;
    // Chunks whose retries ran out are not sent again: the emulator is not to wait for them.
    const chunks = this.#queue[0]?.seq ?? this.#nextSeq;
    await fetch(`${this.#url()}/finish`, {
      method: 'POST',
      headers: { ...this.#headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, chunks } satisfies FinishUploadBody),
      // A few bytes: it fits the keep-alive budget, and so survives a page closed right after Stop.
      keepalive: true,
    }).catch((error: unknown) => console.warn('OT: could not finish the recording upload', error));
  }

  /**
   * The page is going away: send what still fits with `keepalive` (which outlives the page) and finish.
   * What does not fit is the "last chunk" a closed tab may lose.
   */
  abandon(body: Omit<FinishUploadBody, 'chunks'>): void {
    if (this.#finished) return;
    this.#finished = true;
    let budget = KEEPALIVE_BUDGET_BYTES - 1024;
    // The finish may reach the emulator before these chunks: its count makes the emulator wait for them.
    let chunks = this.#nextSeq;
    for (const chunk of this.#queue.splice(0)) {
      if (chunk.blob.size > budget) {
        chunks = chunk.seq;
        break;
      }
      budget -= chunk.blob.size;
      void fetch(`${this.#url()}/${chunk.seq}`, {
        method: 'PUT',
        headers: { ...this.#headers(), 'Content-Type': 'application/octet-stream' },
        body: chunk.blob,
        keepalive: true,
      }).catch(() => undefined);
    }
    void fetch(`${this.#url()}/finish`, {
      method: 'POST',
      headers: { ...this.#headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, chunks } satisfies FinishUploadBody),
      keepalive: true,
    }).catch(() => undefined);
  }

  #pump(): Promise<void> {
    if (!this.#pumping) {
      this.#pumping = this.#drain().finally(() => {
        this.#pumping = null;
      });
    }
    return this.#pumping;
  }

  async #drain(): Promise<void> {
    let failures = 0;
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (!head) break;
      const outcome = await this.#put(head.seq, head.blob);
      if (outcome.kind === 'stored') {
        this.#queue.shift();
        this.uploadedBytes += head.blob.size;
        failures = 0;
      } else if (outcome.kind === 'gap') {
        // The emulator already holds everything below nextSeq (a retry after a lost response): drop those.
        const before = this.#queue.length;
        while (this.#queue[0] && this.#queue[0].seq < outcome.nextSeq) this.#queue.shift();
        if (this.#queue.length === before) {
          console.warn(`OT: the recording upload lost chunks before ${head.seq}; the file will have a gap`);
          this.#queue.shift();
        }
      } else if (outcome.kind === 'rejected') {
        console.warn(
          `OT: the emulator refused a recording chunk (HTTP ${outcome.status}); stopping this upload`,
        );
        this.#queue.splice(0);
        this.#finished = true;
      } else {
        const delayMs = RETRY_DELAYS_MS[failures++];
        if (delayMs === undefined) return; // the next push() or flush() tries again
        await new Promise((r) => window.setTimeout(r, delayMs));
      }
    }
  }

  async #put(
    seq: number,
    blob: Blob,
  ): Promise<
    | { kind: 'stored' }
    | { kind: 'gap'; nextSeq: number }
    | { kind: 'rejected'; status: number }
    | { kind: 'retry' }
  > {
    let response: Response;
    try {
      response = await fetch(`${this.#url()}/${seq}`, {
        method: 'PUT',
        headers: { ...this.#headers(), 'Content-Type': 'application/octet-stream' },
        body: blob,
      });
    } catch {
      return { kind: 'retry' };
    }
    if (response.ok) return { kind: 'stored' };
    if (response.status === 409) {
      const body = (await response.json().catch(() => ({}))) as { nextSeq?: unknown };
      if (typeof body.nextSeq === 'number') return { kind: 'gap', nextSeq: body.nextSeq };
      return { kind: 'rejected', status: 409 };
    }
    if (response.status >= 500 || response.status === 429) return { kind: 'retry' };
    return { kind: 'rejected', status: response.status };
  }

  #url(): string {
    const t = this.#target;
    return `${t.mediaUrl}/${encodeURIComponent(t.archiveId)}/${encodeURIComponent(t.streamId)}`;
  }

  #headers(): Record<string, string> {
    const { connectionId, uploadKey } = this.#target.credentials();
    return { 'X-Connection-Id': connectionId, 'X-Upload-Key': uploadKey };
  }
}
