/** Realtime sockets whose client stopped reading: dropped by the keep-alive, and closed before their backlog grows. */
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import WebSocket from 'ws';
import { CloseCode, type ConnectedMessage, type ServerMessage } from '../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { createSession, jwtClientToken } from '../emulator/support/platform-client';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../helpers/emulator';

const WAIT_MS = 5000;

interface StalledClient {
  ws: WebSocket;
  tcp: Socket;
  connected: ConnectedMessage;
  closeCode: Promise<number>;
}

/**
 * Joins the session, then stops reading from its TCP socket: the server's frames fill the kernel's buffers, and
 * the client answers no ping. It can still send, as a client would that floods without reading.
 */
async function joinAndStopReading(emu: TestEmulator, sessionId: string): Promise<StalledClient> {
  const { hostname, port } = new URL(emu.url);
  const tcp = connectTcp({ host: hostname, port: Number(port) });
  const ws = new WebSocket(realtimeUrlOf(emu.url), { createConnection: () => tcp });
  const closeCode = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const connectedMessage = new Promise<ConnectedMessage>((resolve) =>
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'connected') resolve(message);
    }),
  );
  ws.send(
    JSON.stringify({
      type: 'connect',
      apiKey: emu.apiKey,
      sessionId,
      token: await jwtClientToken(emu, sessionId),
    }),
  );
  const connected = await connectedMessage;
  tcp.pause();
  return { ws, tcp, connected, closeCode };
}

function startEmulator(limits: TestEmulatorOptions['limits']) {
  const context: { emu: TestEmulator; sessionId: string; opened: FakeBrowser[]; stalled: StalledClient[] } = {
    emu: undefined as unknown as TestEmulator,
    sessionId: '',
    opened: [],
    stalled: [],
  };
  beforeAll(async () => {
    context.emu = await startTestEmulator({ limits });
  });
  beforeEach(async () => {
    context.sessionId = await createSession(context.emu);
  });
  afterEach(async () => {
    for (const s of context.stalled.splice(0)) s.ws.terminate();
    await Promise.all(context.opened.splice(0).map((b) => (b.closeCode === null ? b.leave() : undefined)));
  });
  afterAll(() => context.emu.close());
  return context;
}

async function joinReading(context: ReturnType<typeof startEmulator>): Promise<FakeBrowser> {
  const { emu, sessionId } = context;
  const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
    apiKey: emu.apiKey,
    sessionId,
    token: await jwtClientToken(emu, sessionId),
  });
  context.opened.push(browser);
  return browser;
}

const leftTheSession = (connectionId: string) => (m: ServerMessage) =>
  m.type === 'connectionDestroyed' && m.connection.connectionId === connectionId;

describe('the keep-alive', () => {
  const context = startEmulator({ pingIntervalMs: 100, reconnectGraceMs: 100 });

  it('drops a client that stopped reading, however many pongs of its own it sends', async () => {
    const watcher = await joinReading(context);
    const stalled = await joinAndStopReading(context.emu, context.sessionId);
    context.stalled.push(stalled);
    const pongs = setInterval(() => stalled.ws.pong(randomBytes(8)), 20);
    try {
      const left = await watcher.waitFor(leftTheSession(stalled.connected.connection.connectionId), WAIT_MS);
      expect(left).toMatchObject({ reason: 'networkDisconnected' });
    } finally {
      clearInterval(pongs);
    }
  });

  it('keeps a client that answers the pings, over many intervals', async () => {
    const watcher = await joinReading(context);
    const reader = await joinReading(context);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(reader.closeCode).toBeNull();
    expect(watcher.received.some(leftTheSession(reader.connectionId))).toBe(false);
  });
});

describe('the send buffer limit', () => {
  const maxSocketBufferBytes = 256 * 1024;
  // Pings far apart, so that only the buffer limit can close a socket here; a long reconnect grace, which a
  // client closed for not reading does not get.
  const context = startEmulator({ pingIntervalMs: 60_000, reconnectGraceMs: 60_000, maxSocketBufferBytes });
  const signalData = 'x'.repeat(8000);

  /**
   * Broadcasts 8 KB signals in batches, each batch once the sender has its own copies back (so the server has
   * sent it to everyone), until `done` or 4000 signals (32 MB to each client).
   */
  async function flood(sender: FakeBrowser, done: () => boolean): Promise<number> {
    const deadline = Date.now() + 15_000;
    let sent = 0;
    while (!done() && sent < 4000 && Date.now() < deadline) {
      for (let i = 0; i < 50; i += 1) sender.send({ type: 'signal', signalType: 'flood', data: signalData });
      sent += 50;
      const target = sent;
      await sender.waitFor(
        () => sender.received.filter((m) => m.type === 'signal').length >= target,
        WAIT_MS,
      );
    }
    return sent;
  }

  it('closes a socket whose client stopped reading, and no socket that reads', async () => {
    const sender = await joinReading(context);
    const reader = await joinReading(context);
    const stalled = await joinAndStopReading(context.emu, context.sessionId);
    context.stalled.push(stalled);
    const left = () => sender.received.some(leftTheSession(stalled.connected.connection.connectionId));
    const sent = await flood(sender, left);
    expect(left()).toBe(true);
    // The kernel's socket buffers take the first megabytes; the limit counts only what piles up beyond them.
    expect(sent).toBeLessThan(4000);
    expect(reader.closeCode).toBeNull();
    expect(sender.closeCode).toBeNull();
    const signals = () => reader.received.filter((m) => m.type === 'signal').length;
    await reader.waitFor(() => signals() >= sent, WAIT_MS);
    expect(signals()).toBe(sent);
  });

  it('says why with close code 4005, which a client that reads again in time receives, and gives no resume', async () => {
    const sender = await joinReading(context);
    const stalled = await joinAndStopReading(context.emu, context.sessionId);
    context.stalled.push(stalled);
    const { connectionId } = stalled.connected.connection;
    await flood(sender, () => sender.received.some(leftTheSession(connectionId)));
    stalled.tcp.resume();
    expect(await stalled.closeCode).toBe(CloseCode.tooSlow);

    const { emu, sessionId } = context;
    const again = await FakeBrowser.join(realtimeUrlOf(emu.url), {
      apiKey: emu.apiKey,
      sessionId,
      token: await jwtClientToken(emu, sessionId),
      resumeConnectionId: connectionId,
      resumeKey: stalled.connected.uploadKey,
    });
    context.opened.push(again);
    expect(again.connected).toMatchObject({ resumed: false });
    expect(again.connectionId).not.toBe(connectionId);
  });
});
