/** Realtime: WebSocket clients playing browsers — tokens, event order, signals, WebRTC relay, roles, reconnects. */
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { CloseCode, type ServerMessage } from '../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from './support/fake-browser';
import {
  archivePath,
  createSession,
  jwtClientToken,
  rest,
  t1ClientToken,
  type TokenRole,
} from './support/platform-client';

const RECONNECT_GRACE_MS = 400;
let emu: TestEmulator;
let realtimeUrl: string;
const browsers: FakeBrowser[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { reconnectGraceMs: RECONNECT_GRACE_MS, pingIntervalMs: 200 } });
  realtimeUrl = realtimeUrlOf(emu.url);
});
afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.leave()));
});
afterAll(() => emu.close());

async function join(
  sessionId: string,
  role: TokenRole = 'publisher',
  data?: string,
  options?: { autoPong?: boolean },
) {
  const token = await jwtClientToken(emu, sessionId, { role, data });
  const browser = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token }, options);
  browsers.push(browser);
  return browser;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorOf = (b: FakeBrowser) =>
  b.received.find((m) => m.type === 'error') as Extract<ServerMessage, { type: 'error' }> | undefined;

describe('connect', () => {
  it('accepts JWT and T1 tokens (standard and URL-safe base64) and reports role capabilities and connection data', async () => {
    const sessionId = await createSession(emu);
    const jwt = await join(sessionId, 'moderator', 'name=Ada');
    expect(jwt.connected).toMatchObject({
      connection: { data: 'name=Ada' },
      capabilities: { publish: true, subscribe: true, signal: true, forceDisconnect: true },
      archive: null,
      iceServers: [],
    });
    expect(jwt.uploadKey).toEqual(expect.any(String));
    for (const urlSafe of [false, true]) {
      const token = t1ClientToken(emu, sessionId, {
        role: 'subscriber',
        data: 'name=Johnny Appleseed+/?',
        urlSafe,
      });
      const t1 = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token });
      browsers.push(t1);
      expect(t1.connected).toMatchObject({
        connection: { data: 'name=Johnny Appleseed+/?' },
        capabilities: { publish: false, subscribe: true, signal: true, forceDisconnect: false },
      });
    }
  });

  it.each<[string, (s: { sessionId: string; other: string }) => Promise<string> | string, number, number]>([
    ['a token for another session', ({ other }) => jwtClientToken(emu, other), 1004, CloseCode.badToken],
    [
      'an expired JWT',
      ({ sessionId }) => jwtClientToken(emu, sessionId, { expiresInS: -3600 }),
      1004,
      CloseCode.badToken,
    ],
    [
      'an expired T1',
      ({ sessionId }) => t1ClientToken(emu, sessionId, { expireTime: Math.floor(Date.now() / 1000) - 3600 }),
      1004,
      CloseCode.badToken,
    ],
    [
      'a JWT signed with another secret',
      ({ sessionId }) => jwtClientToken(emu, sessionId, { secret: 'a'.repeat(40) }),
      1004,
      CloseCode.badToken,
    ],
    [
      'a T1 signed with another secret',
      ({ sessionId }) => t1ClientToken(emu, sessionId, { secret: 'a'.repeat(40) }),
      1004,
      CloseCode.badToken,
    ],
    [
      'a JWT for another API key',
      ({ sessionId }) => jwtClientToken(emu, sessionId, { iss: '987654' }),
      1004,
      CloseCode.badToken,
    ],
    ['garbage', () => 'hello', 1004, CloseCode.badToken],
  ])('refuses %s with a clear error and closes the socket', async (_label, makeToken, code, closeCode) => {
    const sessionId = await createSession(emu);
    const other = await createSession(emu);
    const browser = await FakeBrowser.join(realtimeUrl, {
      apiKey: emu.apiKey,
      sessionId,
      token: await makeToken({ sessionId, other }),
    });
    expect(errorOf(browser)).toMatchObject({
      code,
      name: 'OT_AUTHENTICATION_ERROR',
      message: expect.stringMatching(/token/i),
    });
    expect(await browser.waitClosed()).toBe(closeCode);
    expect(browser.connected).toBeNull();
  });

  it('refuses an unknown session (4004) and a frame before connect (4003)', async () => {
    const sessionId = await createSession(emu);
    const token = await jwtClientToken(emu, sessionId);
    const unknown = await FakeBrowser.join(realtimeUrl, {
      apiKey: emu.apiKey,
      sessionId: `${sessionId}x`,
      token,
    });
    expect(errorOf(unknown)).toMatchObject({ code: 1005, name: 'OT_INVALID_SESSION_ID' });
    expect(await unknown.waitClosed()).toBe(CloseCode.sessionNotFound);

    const early = await FakeBrowser.open(realtimeUrl);
    early.send({ type: 'signal', data: 'hi' });
    expect(await early.waitClosed()).toBe(CloseCode.protocolError);
    const garbage = await FakeBrowser.open(realtimeUrl);
    garbage.ws.send('{not json');
    expect(await garbage.waitClosed()).toBe(CloseCode.protocolError);
  });
});

describe('ICE servers', () => {
  it('hands every client the configured ICE servers on connect and on resume', async () => {
    const iceServers = [
      { urls: 'stun:192.168.1.10:3478' },
      { urls: ['turn:192.168.1.10:3478'], username: 'lan', credential: 'pass' },
    ];
    const lan = await startTestEmulator({ iceServers });
    try {
      const url = realtimeUrlOf(lan.url);
      const sessionId = await createSession(lan);
      const token = await jwtClientToken(lan, sessionId);
      const first = await FakeBrowser.join(url, { apiKey: lan.apiKey, sessionId, token });
      const second = await FakeBrowser.join(url, { apiKey: lan.apiKey, sessionId, token });
      browsers.push(second);
      expect(first.connected?.iceServers).toEqual(iceServers);
      expect(second.connected?.iceServers).toEqual(iceServers);
      await first.cut();
      const back = await FakeBrowser.join(url, {
        apiKey: lan.apiKey,
        sessionId,
        token,
        resumeConnectionId: first.connectionId,
        resumeKey: first.uploadKey,
      });
      browsers.push(back);
      expect(back.connected).toMatchObject({ resumed: true, iceServers });
    } finally {
      await Promise.all(browsers.splice(0).map((b) => b.leave()));
      await lan.close();
    }
  });
});

describe('session events', () => {
  it('tells every client, in order, about connections and streams created and destroyed', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId, 'publisher', 'alice');
    const bob = await join(sessionId, 'publisher', 'bob');
    expect(bob.connected?.connections.map((c) => c.data)).toEqual(['alice']);

    const aliceStream = await alice.publish('alice-cam');
    await bob.waitFor((m) => m.type === 'streamCreated');
    const carol = await join(sessionId, 'subscriber', 'carol');
    expect(carol.connected?.streams.map((s) => s.streamId)).toEqual([aliceStream]);
    expect(carol.connected?.connections.map((c) => c.data).sort()).toEqual(['alice', 'bob']);

    await alice.request({ type: 'unpublish', streamId: aliceStream });
    await bob.leave();
    await carol.waitFor((m) => m.type === 'connectionDestroyed');
    await alice.waitFor((m) => m.type === 'connectionDestroyed');

    expect(alice.eventTypes()).toEqual([
      'connected',
      'connectionCreated',
      'connectionCreated',
      'connectionDestroyed',
    ]);
    expect(carol.eventTypes()).toEqual(['connected', 'streamDestroyed', 'connectionDestroyed']);
    expect(carol.received.find((m) => m.type === 'streamDestroyed')).toMatchObject({ reason: 'unpublished' });
    expect(alice.received.find((m) => m.type === 'connectionDestroyed')).toMatchObject({
      reason: 'clientDisconnected',
      connection: { data: 'bob' },
    });
    const bobEvents = bob.eventTypes();
    expect(bobEvents.slice(0, 2)).toEqual(['connected', 'streamCreated']);
  });

  it('delivers a burst of signals to all clients in the order they were sent', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId);
    const bob = await join(sessionId);
    for (let i = 0; i < 50; i += 1) alice.send({ type: 'signal', signalType: 'seq', data: String(i) });
    await bob.waitFor((m) => m.type === 'signal' && m.data === '49');
    const seen = bob.received.filter((m) => m.type === 'signal').map((m) => (m as { data: string }).data);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });
});

describe('signals', () => {
  it('sends to every connection (sender included) or to one, with type, data and from', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId);
    const bob = await join(sessionId);
    const carol = await join(sessionId);
    expect(
      (await alice.request({ type: 'signal', signalType: 'chat', data: 'hello all' })).error,
    ).toBeUndefined();
    for (const b of [alice, bob, carol]) {
      expect(await b.waitFor((m) => m.type === 'signal')).toEqual({
        type: 'signal',
        from: alice.connectionId,
        signalType: 'chat',
        data: 'hello all',
      });
    }
    await alice.request({ type: 'signal', to: bob.connectionId, signalType: 'dm', data: 'psst' });
    await bob.waitFor((m) => m.type === 'signal' && m.signalType === 'dm');
    await alice.request({ type: 'ping' });
    expect(carol.received.some((m) => m.type === 'signal' && m.signalType === 'dm')).toBe(false);
    expect(alice.received.some((m) => m.type === 'signal' && m.signalType === 'dm')).toBe(false);
  });

  it('enforces the platform limits: 413 for sizes, 400 for a bad type, 404 for an unknown recipient', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId);
    const ok = await alice.request({ type: 'signal', signalType: 't'.repeat(128), data: 'd'.repeat(8192) });
    expect(ok.error).toBeUndefined();
    expect((await alice.request({ type: 'signal', data: 'd'.repeat(8193) })).error).toMatchObject({
      code: 413,
    });
    expect((await alice.request({ type: 'signal', signalType: 't'.repeat(129) })).error).toMatchObject({
      code: 413,
    });
    expect((await alice.request({ type: 'signal', signalType: 'no spaces!' })).error).toMatchObject({
      code: 400,
    });
    expect((await alice.request({ type: 'signal', to: 'nobody', data: 'x' })).error).toMatchObject({
      code: 404,
    });
  });
});

describe('WebRTC relay', () => {
  it('relays offer, answer and candidates between two named connections with from added', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId);
    const bob = await join(sessionId);
    const streamId = await alice.publish();
    const offer = { sdp: 'v=0 offer', type: 'offer' };
    expect(
      (await bob.request({ type: 'rtc', to: alice.connectionId, streamId, kind: 'offer', payload: offer }))
        .error,
    ).toBeUndefined();
    expect(await alice.waitFor((m) => m.type === 'rtc')).toEqual({
      type: 'rtc',
      from: bob.connectionId,
      streamId,
      kind: 'offer',
      payload: offer,
    });
    const replies = [
      { kind: 'answer', payload: { sdp: 'v=0 answer' } },
      { kind: 'candidate', payload: { candidate: 'c1' } },
    ] as const;
    for (const reply of replies)
      await alice.request({ type: 'rtc', to: bob.connectionId, streamId, ...reply });
    await bob.waitFor((m) => m.type === 'rtc' && m.kind === 'candidate');
    expect(bob.received.filter((m) => m.type === 'rtc').map((m) => (m as { kind: string }).kind)).toEqual([
      'answer',
      'candidate',
    ]);
    const stray = await bob.request({
      type: 'rtc',
      to: alice.connectionId,
      streamId: 'not-a-stream',
      kind: 'offer',
      payload: {},
    });
    expect(stray.error).toMatchObject({ code: 404 });
  });
});

describe('roles', () => {
  it('a subscriber cannot publish; a publisheronly client cannot subscribe or signal', async () => {
    const sessionId = await createSession(emu);
    const publisher = await join(sessionId, 'publisher');
    const subscriber = await join(sessionId, 'subscriber');
    const publisherOnly = await join(sessionId, 'publisheronly');
    const refused = await subscriber.request({
      type: 'publish',
      stream: {
        name: 'x',
        hasAudio: true,
        hasVideo: true,
        videoType: 'camera',
        videoDimensions: { width: 1, height: 1 },
        frameRate: 1,
      },
    });
    expect(refused.error).toMatchObject({ code: 1500, name: 'OT_PERMISSION_DENIED' });
    expect(refused.stream).toBeUndefined();

    const streamId = await publisher.publish();
    expect(await publisherOnly.publish()).toEqual(expect.any(String));
    const offer = await publisherOnly.request({
      type: 'rtc',
      to: publisher.connectionId,
      streamId,
      kind: 'offer',
      payload: {},
    });
    expect(offer.error).toMatchObject({ name: 'OT_PERMISSION_DENIED' });
    const signal = await publisherOnly.request({ type: 'signal', data: 'hi' });
    expect(signal.error).toMatchObject({ name: 'OT_PERMISSION_DENIED' });
    expect(publisher.received.some((m) => m.type === 'rtc' || m.type === 'signal')).toBe(false);
  });

  it('only a moderator can force a disconnect; the target is told and the others see it leave', async () => {
    const sessionId = await createSession(emu);
    const moderator = await join(sessionId, 'moderator');
    const victim = await join(sessionId, 'publisher');
    const witness = await join(sessionId, 'publisher');
    const victimStream = await victim.publish();
    const denied = await witness.request({ type: 'forceDisconnect', connectionId: victim.connectionId });
    expect(denied.error).toMatchObject({ name: 'OT_PERMISSION_DENIED' });

    expect(
      (await moderator.request({ type: 'forceDisconnect', connectionId: victim.connectionId })).error,
    ).toBeUndefined();
    expect(await victim.waitFor((m) => m.type === 'disconnected')).toEqual({
      type: 'disconnected',
      reason: 'forceDisconnected',
    });
    expect(await victim.waitClosed()).toBe(CloseCode.forceDisconnected);
    await witness.waitFor((m) => m.type === 'connectionDestroyed');
    expect(
      witness.received.filter((m) => m.type === 'streamDestroyed' || m.type === 'connectionDestroyed'),
    ).toMatchObject([
      { type: 'streamDestroyed', reason: 'forceDisconnected', stream: { streamId: victimStream } },
      {
        type: 'connectionDestroyed',
        reason: 'forceDisconnected',
        connection: { connectionId: victim.connectionId },
      },
    ]);
  });
});

describe('network loss and reconnect', () => {
  it('after the grace period, others see networkDisconnected for the connection and its streams', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId);
    const bob = await join(sessionId);
    await alice.publish();
    await bob.waitFor((m) => m.type === 'streamCreated');
    await alice.cut();
    await sleep(RECONNECT_GRACE_MS / 2);
    expect(bob.received.some((m) => m.type === 'connectionDestroyed')).toBe(false);
    await bob.waitFor((m) => m.type === 'connectionDestroyed');
    expect(bob.received.filter((m) => m.type.endsWith('Destroyed'))).toMatchObject([
      { type: 'streamDestroyed', reason: 'networkDisconnected' },
      { type: 'connectionDestroyed', reason: 'networkDisconnected' },
    ]);
  });

  it('a client resuming in time keeps its connection and streams, others see no duplicate, missed events arrive', async () => {
    const sessionId = await createSession(emu);
    const token = await jwtClientToken(emu, sessionId, { data: 'alice' });
    const alice = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token });
    const bob = await join(sessionId);
    const streamId = await alice.publish();
    await bob.waitFor((m) => m.type === 'streamCreated');
    await alice.cut();
    await sleep(100); // let the server notice the drop: what is sent to a socket before that is lost with it
    await bob.request({ type: 'signal', signalType: 'missed', data: 'while you were away' });

    const wrongKey = await FakeBrowser.join(realtimeUrl, {
      apiKey: emu.apiKey,
      sessionId,
      token,
      resumeConnectionId: alice.connectionId,
      resumeKey: 'guess',
    });
    browsers.push(wrongKey);
    expect(wrongKey.connected?.resumed).toBe(false);
    expect(wrongKey.connectionId).not.toBe(alice.connectionId);

    const back = await FakeBrowser.join(realtimeUrl, {
      apiKey: emu.apiKey,
      sessionId,
      token,
      resumeConnectionId: alice.connectionId,
      resumeKey: alice.uploadKey,
    });
    browsers.push(back);
    expect(back.connected).toMatchObject({ resumed: true, connection: { connectionId: alice.connectionId } });
    expect(back.connected?.ownStreams?.map((s) => s.streamId)).toEqual([streamId]);
    await back.waitFor((m) => m.type === 'signal' && m.signalType === 'missed');
    // Re-publishing the same stream after the resume is a no-op, not a second stream.
    const again = await back.request({
      type: 'publish',
      stream: {
        streamId,
        name: 'camera',
        hasAudio: true,
        hasVideo: true,
        videoType: 'camera',
        videoDimensions: { width: 640, height: 480 },
        frameRate: 30,
      },
    });
    expect(again.stream?.streamId).toBe(streamId);
    await sleep(RECONNECT_GRACE_MS * 1.5);
    const bobSaw = bob.received.filter((m) => m.type !== 'ack' && m.type !== 'signal').map((m) => m.type);
    // The only join bob sees is the client that failed to resume (it became a connection of its own).
    expect(bobSaw).toEqual(['connected', 'streamCreated', 'connectionCreated']);
  });

  it('refuses to resume a live connection without its key: the victim keeps its socket and the caller gets a new connection', async () => {
    const sessionId = await createSession(emu);
    // Same role and data as the victim: only the upload key tells them apart.
    const token = await jwtClientToken(emu, sessionId, { data: 'same' });
    const victim = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token });
    browsers.push(victim);
    const attacker = await FakeBrowser.join(realtimeUrl, { apiKey: emu.apiKey, sessionId, token });
    browsers.push(attacker);
    const attempts = [
      { resumeConnectionId: victim.connectionId },
      // another connection's ID with the caller's own, valid upload key
      { resumeConnectionId: victim.connectionId, resumeKey: attacker.uploadKey },
    ];
    for (const attempt of attempts) {
      const takeover = await FakeBrowser.join(realtimeUrl, {
        apiKey: emu.apiKey,
        sessionId,
        token,
        ...attempt,
      });
      browsers.push(takeover);
      expect(takeover.connected?.resumed).toBe(false);
      expect(takeover.connectionId).not.toBe(victim.connectionId);
    }
    await sleep(100);
    expect(victim.closeCode).toBeNull();
    const ack = await victim.request({ type: 'signal', signalType: 'still', data: 'here' });
    expect(ack.error).toBeUndefined();
    await attacker.waitFor((m) => m.type === 'signal' && m.signalType === 'still');
  });

  it('drops a socket that stops answering pings and tells the others', async () => {
    const sessionId = await createSession(emu);
    const bob = await join(sessionId);
    const silent = await join(sessionId, 'publisher', 'silent', { autoPong: false });
    expect(silent.connected).not.toBeNull();
    const destroyed = await bob.waitFor((m) => m.type === 'connectionDestroyed', 3000);
    expect(destroyed).toMatchObject({ reason: 'networkDisconnected', connection: { data: 'silent' } });
  });
});

describe('archive events', () => {
  it('sends archiveStarted and archiveStopped, gives late joiners the running archive, elects one recorder', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId, 'publisheronly');
    const bob = await join(sessionId, 'publisher');
    const started = await rest(emu, 'POST', archivePath(emu), { body: { sessionId, name: 'Live' } });
    const archiveId = (started.body as { id: string }).id;
    for (const b of [alice, bob]) {
      expect(await b.waitFor((m) => m.type === 'archiveStarted')).toMatchObject({
        archive: { id: archiveId, name: 'Live', outputMode: 'composed' },
      });
    }
    // The recorder must be able to subscribe, so the publisheronly client is passed over.
    expect(await bob.waitFor((m) => m.type === 'recorderElected')).toEqual({
      type: 'recorderElected',
      archiveId,
      recording: true,
    });
    expect(alice.received.some((m) => m.type === 'recorderElected')).toBe(false);

    const late = await join(sessionId, 'subscriber');
    expect(late.connected?.archive).toMatchObject({ id: archiveId, name: 'Live' });

    await bob.leave();
    expect(await late.waitFor((m) => m.type === 'recorderElected')).toMatchObject({
      archiveId,
      recording: true,
    });

    await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`));
    for (const b of [alice, late]) {
      expect(await b.waitFor((m) => m.type === 'archiveStopped')).toMatchObject({
        archive: { id: archiveId },
      });
    }
    expect(await late.waitFor((m) => m.type === 'recorderElected' && !m.recording)).toMatchObject({
      recording: false,
    });
    const after = await join(sessionId, 'subscriber');
    expect(after.connected?.archive).toBeNull();
  });
});
