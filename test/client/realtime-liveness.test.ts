/**
 * The realtime channel notices a lost network within 3 s whether the socket closes or just goes silent,
 * comes back on the same connection, and gives up in bounded time when the network stays away.
 */
import { RealtimeChannel, type CloseReason } from '../../src/client/realtime';
import type { ClientMessage, ConnectedMessage, ServerMessage } from '../../src/protocol/realtime';

/** A browser WebSocket on a network the test controls: it answers pings only while `network.up`. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static readonly created: FakeSocket[] = [];
  static readonly network = { up: true };

  readyState = FakeSocket.CONNECTING;
  readonly sent: ClientMessage[] = [];
  closedWith: number | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.created.push(this);
  }

  send(text: string): void {
    const message = JSON.parse(text) as ClientMessage;
    this.sent.push(message);
    if (message.type === 'ping' && FakeSocket.network.up) setTimeout(() => this.receive({ type: 'pong' }), 5);
  }

  /** On a silent network the closing handshake never completes: no close event. */
  close(code: number): void {
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSING;
  }

  accept(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  receive(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The TCP connection ends without a WebSocket goodbye, as when the server process stops. */
  drop(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1006 });
  }

  get pings(): number {
    return this.sent.filter((m) => m.type === 'ping').length;
  }
}

function connectedMessage(resumed: boolean): ConnectedMessage {
  return {
    type: 'connected',
    connection: { connectionId: 'c1', creationTime: 0, data: '' },
    capabilities: { publish: true, subscribe: true, signal: true, forceDisconnect: false },
    connections: [],
    streams: [],
    archive: null,
    uploadKey: 'key-1',
    iceServers: [],
    resumed,
    ownStreams: [],
  };
}

const lastSocket = (): FakeSocket => {
  const socket = FakeSocket.created.at(-1);
  if (!socket) throw new Error('no socket opened');
  return socket;
};

let log: Array<{ at: number; what: string }>;
let channel: RealtimeChannel;

beforeAll(() => {
  Object.assign(globalThis, { window: globalThis, WebSocket: FakeSocket });
});

beforeEach(async () => {
  jest.useFakeTimers();
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  FakeSocket.created.length = 0;
  FakeSocket.network.up = true;
  log = [];
  const note = (what: string) => () => log.push({ at: Date.now(), what });
  channel = new RealtimeChannel({
    url: 'ws://127.0.0.1:1/emulator/realtime',
    connect: { apiKey: 'k', sessionId: 's', token: 't' },
    events: {
      message: () => undefined,
      reconnecting: note('reconnecting'),
      reconnected: note('reconnected'),
      closed: (reason: CloseReason) => log.push({ at: Date.now(), what: `closed ${reason}` }),
    },
  });
  const opened = channel.open();
  lastSocket().accept();
  lastSocket().receive(connectedMessage(false));
  await opened;
});

afterEach(() => {
  channel.close();
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** Advances the clock in small steps, letting promise callbacks run between them, until `done` or `limitMs`. */
async function advanceUntil(done: () => boolean, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!done() && Date.now() - start < limitMs) {
    jest.advanceTimersByTime(50);
    await Promise.resolve();
    await Promise.resolve();
  }
  return Date.now() - start;
}

const happened = (what: string) => () => log.some((entry) => entry.what === what);

test('an answering server keeps the channel quiet, for one ping a second', async () => {
  await advanceUntil(() => false, 60_000);
  expect(log).toEqual([]);
  expect(lastSocket().pings).toBeGreaterThanOrEqual(55);
  expect(lastSocket().pings).toBeLessThanOrEqual(60);
  expect(FakeSocket.created).toHaveLength(1);
});

test('a silent network is noticed within 3 s; the socket is given up as a loss and the connection resumed', async () => {
  await advanceUntil(() => false, 5000);
  FakeSocket.network.up = false;
  const elapsed = await advanceUntil(happened('reconnecting'), 10_000);
  expect(log.map((e) => e.what)).toEqual(['reconnecting']);
  expect(elapsed).toBeLessThanOrEqual(3000);
  // Not 1000: a goodbye would end the connection at the emulator instead of keeping it to resume.
  expect(FakeSocket.created[0]?.closedWith).toBe(4006);

  FakeSocket.network.up = true;
  await advanceUntil(() => FakeSocket.created.length === 2, 1000);
  const retry = lastSocket();
  retry.accept();
  expect(retry.sent[0]).toMatchObject({ type: 'connect', resumeConnectionId: 'c1', resumeKey: 'key-1' });
  retry.receive(connectedMessage(true));
  await advanceUntil(happened('reconnected'), 1000);
  expect(log.map((e) => e.what)).toEqual(['reconnecting', 'reconnected']);

  // The given-up socket closing late changes nothing, and the new socket is watched in turn.
  FakeSocket.created[0]?.drop();
  await advanceUntil(() => false, 10_000);
  expect(log.map((e) => e.what)).toEqual(['reconnecting', 'reconnected']);
  expect(retry.pings).toBeGreaterThanOrEqual(9);
});

test('a closed socket is reported at once', async () => {
  await advanceUntil(() => false, 2000);
  const droppedAt = Date.now();
  lastSocket().drop();
  await advanceUntil(happened('reconnecting'), 1000);
  expect(log[0]).toEqual({ at: droppedAt, what: 'reconnecting' });
});

test('a network that stays silent ends the session as networkDisconnected within 35 s', async () => {
  FakeSocket.network.up = false;
  const elapsed = await advanceUntil(happened('closed networkDisconnected'), 60_000);
  expect(log.map((e) => e.what)).toEqual(['reconnecting', 'closed networkDisconnected']);
  expect(elapsed).toBeLessThanOrEqual(35_000);
  // Every attempt opened a socket that never answered and was given up.
  expect(FakeSocket.created).toHaveLength(7);
});
