/**
 * A stand-in for the platform's REST API on 127.0.0.1:0, for what the emulator never does. It answers like a
 * healthy platform until a test scripts another answer: a status and body of its choice, or a failure of the
 * connection (no answer, a late answer, a reset, a body that stops halfway).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { API_KEY, ARCHIVE_ID, archiveJson, fixture, SESSION_ID } from './platform-fixtures';

/** One request as the platform received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded). */
  url: string;
  /** The path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A reply of the test's choice; without a content type the reply has no Content-Type header. */
export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

/**
 * What the platform does with a request:
 * - `'healthy'`: what a working platform answers (session creation and the archive API, with state);
 * - a {@link Reply};
 * - `{ healthyAfterMs }`: the healthy answer, that late (its effect on the archives is immediate);
 * - `'hang'`: no answer at all;
 * - `'stall-mid-body'`: the headers of a 200 and part of its body, then nothing more;
 * - `'reset-mid-body'`: the headers of a 200 and part of its body, then the connection drops;
 * - `'reset-before-reply'`: the connection drops before any answer.
 */
export type Answer =
  | 'healthy'
  | Reply
  | { healthyAfterMs: number }
  | 'hang'
  | 'stall-mid-body'
  | 'reset-mid-body'
  | 'reset-before-reply';

/** One answer for every request, or an answer chosen for each request. */
export type Script = Answer | ((request: RecordedRequest) => Answer);

export interface FakePlatform {
  /** The apiUrl to give the SDK. */
  url: string;
  /** Every request received since the start or the last reset, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Sets what the platform does with each following request. */
  answer(script: Script): void;
  /** Back to a healthy platform that has received no request and holds no archive. */
  reset(): void;
  close(): Promise<void>;
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}

/** A JSON reply with a recorded body from test/fixtures/platform. */
export function jsonFixture(name: string, status = 200): Reply {
  return { status, body: fixture(name), contentType: 'application/json' };
}

const ARCHIVE_PATH = /^\/v2\/project\/[^/]+\/archive(?:\/([^/]+)(\/stop)?)?$/;
const NOT_FOUND = jsonReply(404, { code: 404, message: 'Not found' });

/** The answer of a working platform, applied to its archives (any project ID is accepted). */
function answerHealthy(request: RecordedRequest, archives: Map<string, Record<string, unknown>>): Reply {
  const { method, path } = request;
  if (method === 'POST' && path === '/session/create') {
    return jsonReply(200, [{ session_id: SESSION_ID, project_id: API_KEY, partner_id: API_KEY }]);
  }
  const match = ARCHIVE_PATH.exec(path);
  if (!match) return NOT_FOUND;
  const [, encodedId, stop] = match;
  if (encodedId === undefined) {
    if (method === 'GET') return jsonReply(200, { count: archives.size, items: [...archives.values()] });
    if (method !== 'POST') return NOT_FOUND;
    const started = archiveJson({ id: ARCHIVE_ID, status: 'started' });
    archives.set(ARCHIVE_ID, started);
    return jsonReply(200, started);
  }
  const id = decodeURIComponent(encodedId);
  if (stop !== undefined) {
    if (method !== 'POST') return NOT_FOUND;
    const stopped = archiveJson({ id, status: 'stopped' });
    archives.set(id, stopped);
    return jsonReply(200, stopped);
  }
  if (method === 'DELETE') {
    archives.delete(id);
    return { status: 204 };
  }
  if (method !== 'GET') return NOT_FOUND;
  return jsonReply(
    200,
    archiveJson({ id, status: 'available', url: 'https://archives.example.test/a.mp4?sig=1' }),
  );
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, reply.contentType === undefined ? {} : { 'Content-Type': reply.contentType });
  res.end(reply.body ?? '');
}

/** Headers promising a whole archive, and the first part of it. */
function startTruncatedBody(res: ServerResponse, then: () => void): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 4000 });
  res.write(`{"id":"${ARCHIVE_ID}","status":"avail`, then);
}

export async function startFakePlatform(): Promise<FakePlatform> {
  let script: Script = 'healthy';
  const requests: RecordedRequest[] = [];
  const archives = new Map<string, Record<string, unknown>>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const perform = (answer: Answer, request: RecordedRequest, res: ServerResponse): void => {
    if (answer === 'healthy') return send(res, answerHealthy(request, archives));
    if (answer === 'hang') return;
    if (answer === 'stall-mid-body') return startTruncatedBody(res, () => undefined);
    if (answer === 'reset-mid-body') return startTruncatedBody(res, () => res.socket?.destroy());
    if (answer === 'reset-before-reply') return void res.socket?.destroy();
    if ('status' in answer) return send(res, answer);
    // The answer does come, after the client may have given up: a late answer must not disturb it.
    const late = answerHealthy(request, archives);
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, late);
    }, answer.healthyAfterMs);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      const request: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: url.split('?')[0] ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      perform(typeof script === 'function' ? script(request) : script, request, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      script = next;
    },
    reset() {
      script = 'healthy';
      requests.length = 0;
      archives.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL on which nothing listens: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
