/**
 * Hostile REST requests and realtime frames against the emulator: wrong field types, unknown message types,
 * oversized signals and uploads, tokens for another session or expired. The emulator answers with a 4xx or a
 * protocol error and stays up for everyone else; no reply carries the API secret.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { rawRequest } from '../helpers/raw-request';
import { realtimeUrlOf, type FakeBrowser } from '../emulator/support/fake-browser';
import { joinSession } from '../emulator/support/join-session';
import {
  archivePath,
  createSession,
  jwtClientToken,
  rest,
  restJwt,
} from '../emulator/support/platform-client';

jest.setTimeout(60_000);

const MAX_CHUNK_BYTES = 64 * 1024;

let emu: TestEmulator;
let sessionId = '';
let otherSessionId = '';
/** A participant that must stay connected whatever the others send. */
let bystander: FakeBrowser;
let sender: FakeBrowser;

beforeAll(async () => {
  emu = await startTestEmulator({ limits: { maxChunkBytes: MAX_CHUNK_BYTES } });
  sessionId = await createSession(emu);
  otherSessionId = await createSession(emu);
  bystander = await joinSession(emu, sessionId);
  sender = await joinSession(emu, sessionId, { role: 'moderator' });
});
afterAll(async () => {
  await bystander?.leave().catch(() => undefined);
  await sender?.leave().catch(() => undefined);
  await emu.close();
});

function expectClient(status: number, text: string): void {
  if (status >= 500) throw new Error(`emulator answered ${status}: ${text.slice(0, 300)}`);
  expect(text).not.toContain(emu.apiSecret);
}

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('..', '../session/create', 'a/b', '%2e%2e', '😀', ' ', '-1', '1e9', 'x'.repeat(300)),
);
const anyValue = fc.oneof(fc.anything({ maxDepth: 2 }), hostile);

const RUNS = { numRuns: 50 };

/**
 * A value as a form field or query parameter carries it: a string as it is, anything else as its JSON
 * (String() would throw on an object whose toString is not a function).
 */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

it('archive REST calls with any body, ID and query answer 2xx or 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('start', 'get', 'stop', 'delete', 'list', 'layout', 'streams'),
      hostile,
      fc.dictionary(
        fc.constantFrom(
          'sessionId',
          'name',
          'outputMode',
          'hasAudio',
          'hasVideo',
          'resolution',
          'layout',
          'streamMode',
          'multiArchiveTag',
          'type',
          'addStream',
          'offset',
          'count',
        ),
        fc.oneof(anyValue, fc.constant(sessionId)),
        { maxKeys: 5 },
      ),
      async (action, id, body) => {
        const one = archivePath(emu, `/${encodeURIComponent(id)}`);
        const query = new URLSearchParams(
          Object.entries(body).map(([k, v]): [string, string] => [k, asText(v)]),
        ).toString();
        const call = {
          start: () => rest(emu, 'POST', archivePath(emu), { body }),
          get: () => rest(emu, 'GET', one),
          stop: () => rest(emu, 'POST', `${one}/stop`, { body }),
          delete: () => rest(emu, 'DELETE', one),
          list: () => rest(emu, 'GET', `${archivePath(emu)}?${query}`),
          layout: () => rest(emu, 'PUT', `${one}/layout`, { body }),
          streams: () => rest(emu, 'PATCH', `${one}/streams`, { body }),
        }[action];
        const res = await call();
        expectClient(res.status, res.text);
      },
    ),
    RUNS,
  );
});

it('session creation, signals and force-disconnects with any fields answer 2xx or 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('create', 'signal', 'signalOne', 'disconnect'),
      fc.dictionary(
        fc.constantFrom('p2p.preference', 'location', 'archiveMode', 'e2ee', 'type', 'data'),
        anyValue,
        {
          maxKeys: 4,
        },
      ),
      hostile,
      fc.nat({ max: 20_000 }),
      async (action, fields, id, dataBytes) => {
        const session = `/v2/project/${emu.apiKey}/session/${encodeURIComponent(sessionId)}`;
        const signal = { ...fields, data: 'd'.repeat(dataBytes) };
        const res =
          action === 'create'
            ? await rest(emu, 'POST', '/session/create', {
                form: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, asText(v)])),
              })
            : action === 'signal'
              ? await rest(emu, 'POST', `${session}/signal`, { body: signal })
              : action === 'signalOne'
                ? await rest(emu, 'POST', `${session}/connection/${encodeURIComponent(id)}/signal`, {
                    body: signal,
                  })
                : await rest(emu, 'DELETE', `${session}/connection/${encodeURIComponent(id)}`);
        expectClient(res.status, res.text);
        // Too much data is a 413 unless another field was already wrong (400).
        if (action === 'signal' && dataBytes > 8192) expect([400, 413]).toContain(res.status);
      },
    ),
    { numRuns: 40 },
  );
  const session = `/v2/project/${emu.apiKey}/session/${encodeURIComponent(sessionId)}`;
  const tooBig = await rest(emu, 'POST', `${session}/signal`, {
    body: { type: 'chat', data: 'd'.repeat(8193) },
  });
  expect(tooBig.status).toBe(413);
  expect(bystander.closeCode).toBeNull();
});

it('REST credentials: forged, expired, other-secret and garbage JWTs are refused with 401 or 403', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        hostile,
        fc.constant(''),
        fc.string({ maxLength: 2000 }),
        fc
          .constantFrom('expired', 'other-secret', 'other-issuer')
          .chain((kind) =>
            fc
              .constant(kind)
              .map(async () =>
                kind === 'expired'
                  ? restJwt(emu, { expiresInS: -3600 })
                  : kind === 'other-secret'
                    ? restJwt(emu, { secret: 'not-the-secret-0123456789' })
                    : restJwt(emu, { iss: '999999' }),
              ),
          ),
      ),
      async (jwt) => {
        const token = typeof jwt === 'string' ? jwt : await jwt;
        const res = await rest(emu, 'GET', archivePath(emu), { jwt: token.replace(/[^\x21-\x7e]/g, '') });
        expect([401, 403]).toContain(res.status);
        expect(res.text).not.toContain(emu.apiSecret);
      },
    ),
    { numRuns: 40 },
  );
});

it('media uploads: wrong credentials, IDs, sequence numbers and oversized chunks answer 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      hostile,
      hostile,
      fc.oneof(hostile, fc.nat().map(String)),
      fc.constantFrom(0, 10, MAX_CHUNK_BYTES + 1, 4 * MAX_CHUNK_BYTES),
      fc.boolean(),
      async (archiveId, streamId, seq, bytes, realCredentials) => {
        const headers: Record<string, string> = realCredentials
          ? { 'x-connection-id': sender.connectionId, 'x-upload-key': sender.uploadKey }
          : { 'x-connection-id': 'someone', 'x-upload-key': 'guess' };
        const base = `${emu.url}/media/${encodeURIComponent(archiveId)}/${encodeURIComponent(streamId)}`;
        const put = await fetch(`${base}/${encodeURIComponent(seq)}`, {
          method: 'PUT',
          headers,
          body: new Uint8Array(bytes),
        });
        const text = await put.text();
        expectClient(put.status, text);
        expect(put.status).toBeGreaterThanOrEqual(400);
        if (bytes > MAX_CHUNK_BYTES) expect([403, 404, 413]).toContain(put.status);
        const finish = await fetch(`${base}/finish`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ startTimeOffset: seq, stopTimeOffset: archiveId }),
        });
        expectClient(finish.status, await finish.text());
      },
    ),
    { numRuns: 40 },
  );
});

/** Every route of the emulator, with its path parameters; `:name` is filled in by the property below. */
const ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'POST', path: '/v2/project/:apiKey/archive' },
  { method: 'GET', path: '/v2/project/:apiKey/archive' },
  { method: 'GET', path: '/v2/project/:apiKey/archive/:archiveId' },
  { method: 'POST', path: '/v2/project/:apiKey/archive/:archiveId/stop' },
  { method: 'DELETE', path: '/v2/project/:apiKey/archive/:archiveId' },
  { method: 'PUT', path: '/v2/project/:apiKey/archive/:archiveId/layout' },
  { method: 'PATCH', path: '/v2/project/:apiKey/archive/:archiveId/streams' },
  { method: 'POST', path: '/v2/project/:apiKey/session/:sessionId/signal' },
  { method: 'POST', path: '/v2/project/:apiKey/session/:sessionId/connection/:connectionId/signal' },
  { method: 'DELETE', path: '/v2/project/:apiKey/session/:sessionId/connection/:connectionId' },
  { method: 'PUT', path: '/media/:archiveId/:streamId/:seq' },
  { method: 'GET', path: '/media/:archiveId/:streamId' },
  { method: 'POST', path: '/media/:archiveId/:streamId/finish' },
  { method: 'GET', path: '/downloads/:archiveId' },
];

/** Path segments as a careless or hostile client sends them: NOT percent-encoded by the sender. */
const rawSegment = fc.oneof(
  fc.constantFrom(
    '%',
    '%Z',
    '%ZZ',
    '%E0%A4%A',
    '%E0%A4',
    '%C0%AF',
    '%FF',
    '%2',
    '%00',
    '%%',
    'ü%',
    '.',
    '..',
    '...',
    '%2e%2e',
    '/',
    '//',
    'a/b',
    'a%2Fb',
    '😀',
    'é',
    ';',
    '?',
    '',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc
    .array(fc.constantFrom('%', 'E0', 'A4', 'Z', '.', '/', 'a', '😀', '%2', '~'), { maxLength: 8 })
    .map((parts) => parts.join('')),
);

/** Node refuses to send bytes outside printable ASCII in a request line, so only those are escaped. */
function toRequestTarget(raw: string): string {
  return [...raw].map((ch) => (/^[\x21-\x7e]$/.test(ch) ? ch : encodeURIComponent(ch))).join('');
}

it('any route with raw, broken or odd path segments answers 2xx or a 4xx JSON error, never 500', async () => {
  const jwt = await restJwt(emu, { expiresInS: 3600 });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ROUTES),
      fc.nat(),
      rawSegment,
      fc.boolean(),
      async (route, which, segment, atRoot) => {
        const names = route.path.match(/:\w+/g) ?? [];
        const target = names[which % names.length]!;
        const valid: Record<string, string> = {
          ':apiKey': emu.apiKey,
          ':sessionId': encodeURIComponent(sessionId),
          ':connectionId': sender.connectionId,
          ':archiveId': '00000000-0000-0000-0000-000000000000',
          ':streamId': 'stream',
          ':seq': '0',
        };
        const pathname = route.path.replace(/:\w+/g, (name) =>
          name === target ? toRequestTarget(segment) : (valid[name] ?? 'x'),
        );
        const isMedia = pathname.startsWith('/media/');
        // The platform's REST paths are also served at the server root, for SDKs that drop the base path.
        const base = atRoot && pathname.startsWith('/v2/') ? '' : new URL(emu.url).pathname;
        const res = await rawRequest(
          emu.url,
          route.method,
          `${base}${pathname}`,
          {
            'x-opentok-auth': jwt,
            'x-connection-id': sender.connectionId,
            'x-upload-key': 'guess',
            'content-type': isMedia && route.method === 'PUT' ? 'video/webm' : 'application/json',
          },
          Buffer.from(route.method === 'GET' || route.method === 'DELETE' ? '' : '{}'),
        );
        expectClient(res.status, res.text);
        if (res.status >= 400) {
          expect(res.contentType).toMatch(/^application\/json/);
          expect(JSON.parse(res.text)).toMatchObject({ message: expect.any(String) });
        }
      },
    ),
    { numRuns: 200 },
  );
});

/** Opens a socket, sends frames, and resolves with every message and the close code (if it closed). */
async function exchange(frames: Array<string | Buffer>, waitMs = 150) {
  const ws = new WebSocket(realtimeUrlOf(emu.url));
  const received: string[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data) => received.push(data.toString()));
  const closed = new Promise<void>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const frame of frames) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  if (closeCode === null) {
    ws.close(1000);
    await closed;
  }
  return { received, closeCode: closeCode as number | null };
}

const clientFrame = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom(
            'connect',
            'publish',
            'unpublish',
            'signal',
            'rtc',
            'forceDisconnect',
            'ping',
            'hello',
            '',
          ),
          fc.anything({ maxDepth: 0 }),
        ),
        rid: fc.oneof(fc.nat(), anyValue),
        apiKey: anyValue,
        sessionId: fc.oneof(anyValue, fc.constant(sessionId)),
        token: anyValue,
        stream: anyValue,
        streamId: anyValue,
        to: anyValue,
        data: fc.oneof(
          anyValue,
          fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)),
        ),
        signalType: anyValue,
        connectionId: anyValue,
        payload: anyValue,
        kind: anyValue,
      },
      { requiredKeys: ['type'] },
    )
    .map((frame) => JSON.stringify(frame)),
);

it('realtime: any frame before connect ends in a protocol or token error, and the server stays up', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(clientFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
      const { received, closeCode } = await exchange(frames);
      for (const text of received) expect(text).not.toContain(emu.apiSecret);
      // Either the socket is still waiting for a valid connect, or it was closed with an application code.
      if (closeCode !== null) expect([1000, 1005, 1009, 4001, 4003, 4004]).toContain(closeCode);
    }),
    { numRuns: 40 },
  );
  expect(bystander.closeCode).toBeNull();
});

it('realtime: a connected client sending anything gets acks or errors; the others stay connected', async () => {
  const token = await jwtClientToken(emu, sessionId);
  await fc.assert(
    fc.asyncProperty(fc.array(clientFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
      const connect = JSON.stringify({ type: 'connect', apiKey: emu.apiKey, sessionId, token, rid: 0 });
      const { received } = await exchange([connect, ...frames]);
      expect(received[0]).toContain('"connected"');
      for (const text of received) expect(text).not.toContain(emu.apiSecret);
    }),
    { numRuns: 40 },
  );
  expect(bystander.closeCode).toBeNull();
  expect(sender.closeCode).toBeNull();
  // The bystander still talks to the server.
  expect((await bystander.request({ type: 'ping' })).type).toBe('ack');
});

it.each([
  ['a token for another session', async () => jwtClientToken(emu, otherSessionId), 4001],
  ['an expired token', async () => jwtClientToken(emu, sessionId, { expiresInS: -60 }), 4001],
  [
    'a token signed with another secret',
    async () => jwtClientToken(emu, sessionId, { secret: 'x'.repeat(40) }),
    4001,
  ],
  ['a token of another project', async () => jwtClientToken(emu, sessionId, { iss: '999999' }), 4001],
])('realtime: %s is refused and closes the socket', async (_what, makeToken, code) => {
  const token = await makeToken();
  const { received, closeCode } = await exchange(
    [JSON.stringify({ type: 'connect', apiKey: emu.apiKey, sessionId, token })],
    2000,
  );
  expect(closeCode).toBe(code);
  expect(received.join('')).toContain('"error"');
  expect(received.join('')).not.toContain(emu.apiSecret);
});

it('realtime: an oversized signal is refused with 413 and an oversized frame closes only that socket', async () => {
  const ack = await sender.request({ type: 'signal', data: 'x'.repeat(8193) });
  expect(ack.error).toMatchObject({ code: 413 });
  const { closeCode } = await exchange([Buffer.alloc(4 * 1024 * 1024, 0x7b)], 2000);
  expect(closeCode).toBe(1009);
  expect(bystander.closeCode).toBeNull();
});
