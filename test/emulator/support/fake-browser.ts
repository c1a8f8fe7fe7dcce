/** A WebSocket client playing a browser of local mode: connects, sends requests, and waits for events in order. */
import WebSocket from 'ws';
import type { ConnectedMessage, ServerMessage } from '../../../src/protocol/realtime';

const WAIT_MS = 3000;

export class FakeBrowser {
  readonly received: ServerMessage[] = [];
  connected: ConnectedMessage | null = null;
  closeCode: number | null = null;
  private nextRid = 1;
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'connected') this.connected = message;
      this.received.push(message);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  /** `autoPong: false` plays a client whose network died silently: it never answers the server's pings. */
  static async open(realtimeUrl: string, options: { autoPong?: boolean } = {}): Promise<FakeBrowser> {
    const ws = new WebSocket(realtimeUrl, { autoPong: options.autoPong ?? true });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new FakeBrowser(ws);
  }

  /** Opens a socket, sends `connect` and waits for `connected` (or for the error that closes the socket). */
  static async join(
    realtimeUrl: string,
    connect: {
      apiKey: string;
      sessionId: string;
      token: string;
      resumeConnectionId?: string;
      resumeKey?: string;
    },
    options: { autoPong?: boolean } = {},
  ): Promise<FakeBrowser> {
    const browser = await FakeBrowser.open(realtimeUrl, options);
    browser.send({ type: 'connect', ...connect });
    await browser.waitFor((m) => m.type === 'connected' || m.type === 'error');
    return browser;
  }

  get connectionId(): string {
    if (!this.connected) throw new Error('not connected');
    return this.connected.connection.connectionId;
  }

  get uploadKey(): string {
    if (!this.connected) throw new Error('not connected');
    return this.connected.uploadKey;
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends a request with a fresh rid and resolves with its ack. */
  async request(message: Record<string, unknown>): Promise<Extract<ServerMessage, { type: 'ack' }>> {
    const rid = this.nextRid++;
    this.send({ ...message, rid });
    const ack = await this.waitFor((m) => m.type === 'ack' && m.rid === rid);
    return ack as Extract<ServerMessage, { type: 'ack' }>;
  }

  async publish(name = 'camera'): Promise<string> {
    const ack = await this.request({
      type: 'publish',
      stream: {
        name,
        hasAudio: true,
        hasVideo: true,
        videoType: 'camera',
        videoDimensions: { width: 640, height: 480 },
        frameRate: 30,
      },
    });
    if (!ack.stream) throw new Error(`publish refused: ${JSON.stringify(ack.error)}`);
    return ack.stream.streamId;
  }

  /** Resolves with the first received message (past or future) matching `predicate`. */
  async waitFor(predicate: (m: ServerMessage) => boolean, timeoutMs = WAIT_MS): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out; received: ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the server closed the socket and returns the close code. */
  async waitClosed(timeoutMs = WAIT_MS): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error('socket not closed in time')), timeoutMs).unref(),
      ),
    ]);
  }

  /** Event types received so far, without acks and pongs: the order a user would see. */
  eventTypes(): string[] {
    return this.received.filter((m) => m.type !== 'ack' && m.type !== 'pong').map((m) => m.type);
  }

  /** Says goodbye (close code 1000). */
  async leave(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await this.closed;
  }

  /** Drops the TCP connection without a goodbye, like a network failure. */
  async cut(): Promise<void> {
    this.ws.terminate();
    await this.closed;
  }

  private wake(): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }
}

export function realtimeUrlOf(restUrl: string): string {
  return `${restUrl.replace(/^http/, 'ws')}/realtime`;
}
