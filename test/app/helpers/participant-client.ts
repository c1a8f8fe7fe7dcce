/** A participant of local mode, as its page would be: joins with its token, publishes, records if elected. */
import type { ServerMessage } from '../../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from '../../emulator/support/fake-browser';
import { finishUpload, putChunk } from '../../emulator/support/uploads';

/** The page data a participant joins with. */
export interface PageCredentials {
  apiKey: string;
  sessionId: string;
  token: string;
}

export class ParticipantClient {
  private constructor(
    private readonly browser: FakeBrowser,
    private readonly restUrl: string,
  ) {}

  /** Connects to the emulator at restUrl (its REST base URL) with the credentials a page received. */
  static async join(restUrl: string, page: PageCredentials): Promise<ParticipantClient> {
    const { apiKey, sessionId, token } = page;
    const browser = await FakeBrowser.join(realtimeUrlOf(restUrl), { apiKey, sessionId, token });
    const refusal = browser.received.find((m) => m.type === 'error');
    if (refusal?.type === 'error') throw new Error(`connect refused: ${refusal.message}`);
    return new ParticipantClient(browser, restUrl);
  }

  get connectionId(): string {
    return this.browser.connectionId;
  }

  async publish(): Promise<void> {
    await this.browser.publish();
  }

  /** Uploads one chunk of "recording" as the elected composer, the way the local browser client does. */
  async uploadRecording(archiveId: string, bytes: Buffer): Promise<void> {
    await this.waitFor((m) => m.type === 'recorderElected' && m.archiveId === archiveId && m.recording);
    const put = await putChunk({ url: this.restUrl }, this.browser, archiveId, 'composed', 0, bytes);
    if (put.status >= 300) throw new Error(`chunk upload failed: ${put.status} ${JSON.stringify(put.body)}`);
  }

  async finishRecording(archiveId: string): Promise<void> {
    const offsets = { startTimeOffset: 0, stopTimeOffset: 2000 };
    const res = await finishUpload({ url: this.restUrl }, this.browser, archiveId, 'composed', offsets);
    if (res.status >= 300) throw new Error(`finish failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Resolves with the first message (already received or future) matching the predicate. */
  waitFor(predicate: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage> {
    return this.browser.waitFor(predicate, timeoutMs);
  }

  leave(): Promise<void> {
    return this.browser.leave();
  }
}

/** Polls until `check` returns a value, at most `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
