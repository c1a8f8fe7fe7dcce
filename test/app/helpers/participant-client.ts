/** A WebSocket participant of local mode: joins with a page's token, publishes, and records when elected. */
import WebSocket from 'ws';
import type { ServerMessage } from '../../../src/protocol/realtime';

const WAIT_MS = 3000;

export interface PageCredentials {
  apiKey: string;
  sessionId: string;
  token: string;
}

export class ParticipantClient {
  readonly received: ServerMessage[] = [];
  connectionId = '';
  uploadKey = '';
  private nextRid = 1;

  private constructor(
    private readonly ws: WebSocket,
    private readonly restUrl: string,
  ) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'connected') {
        this.connectionId = message.connection.connectionId;
        this.uploadKey = message.uploadKey;
      }
      this.received.push(message);
    });
  }

  /** Connects to the emulator at restUrl (its REST base URL) with the credentials a page received. */
  static async join(restUrl: string, page: PageCredentials): Promise<ParticipantClient> {
    const ws = new WebSocket(`${restUrl.replace(/^http/, 'ws')}/realtime`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new ParticipantClient(ws, restUrl);
    ws.send(JSON.stringify({ type: 'connect', ...page }));
    const reply = await client.waitFor((m) => m.type === 'connected' || m.type === 'error');
    if (reply.type === 'error') throw new Error(`connect refused: ${reply.message}`);
    return client;
  }

  async publish(): Promise<void> {
    const rid = this.nextRid++;
    this.ws.send(
      JSON.stringify({
        type: 'publish',
        rid,
        stream: {
          name: 'camera',
          hasAudio: true,
          hasVideo: true,
          videoType: 'camera',
          videoDimensions: { width: 640, height: 480 },
          frameRate: 30,
        },
      }),
    );
    const ack = await this.waitFor((m) => m.type === 'ack' && m.rid === rid);
    if (ack.type === 'ack' && ack.error) throw new Error(`publish refused: ${ack.error.message}`);
  }

  /** Uploads one chunk of "recording" as the elected composer, the way the local browser client does. */
  async uploadRecording(archiveId: string, bytes: Buffer): Promise<void> {
    await this.waitFor((m) => m.type === 'recorderElected' && m.archiveId === archiveId && m.recording);
    const headers = { 'x-connection-id': this.connectionId, 'x-upload-key': this.uploadKey };
    const put = await fetch(`${this.restUrl}/media/${archiveId}/composed/0`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    if (!put.ok) throw new Error(`chunk upload failed: ${put.status} ${await put.text()}`);
  }

  async finishRecording(archiveId: string): Promise<void> {
    const res = await fetch(`${this.restUrl}/media/${archiveId}/composed/finish`, {
      method: 'POST',
      headers: {
        'x-connection-id': this.connectionId,
        'x-upload-key': this.uploadKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ startTimeOffset: 0, stopTimeOffset: 2000 }),
    });
    if (!res.ok) throw new Error(`finish failed: ${res.status} ${await res.text()}`);
  }

  /** Resolves with the first message (already received or future) matching the predicate. */
  async waitFor(predicate: (m: ServerMessage) => boolean, timeoutMs = WAIT_MS): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out; received ${JSON.stringify(this.received.map((m) => m.type))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async leave(): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close(1000);
    await closed;
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
