/**
 * A platform stand-in on 127.0.0.1:0 that answers like the real REST API until told to fail in one of the
 * ways a real platform or the network between can: 500, 503, slow or no answer, reset, garbage, HTML.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { archiveJson, FAKE_API_KEY, FAKE_SESSION_ID } from '../../app/helpers/fake-platform';

export type Fault =
  | 'none'
  | 'http-500'
  | 'http-503'
  | 'slow'
  | 'no-answer'
  | 'reset-before-reply'
  | 'reset-mid-body'
  | 'malformed-json'
  | 'html-error-page'
  | 'html-200-page';

/** Which requests fail: every one, or only the archive API (session creation still works). */
export type FaultScope = 'all' | 'archives';

export interface FailingPlatform {
  url: string;
  /** How long a 'slow' answer takes; set it past the SDK's timeout. */
  slowMs: number;
  set(fault: Fault, scope?: FaultScope): void;
  /** Archives started and not deleted, as the healthy platform lists them. */
  archives: Map<string, Record<string, unknown>>;
  requests: string[];
  close(): Promise<void>;
}

export const ARCHIVE_ID = 'b40ef09b-3811-4726-b508-e41a0f96c68f';
const ARCHIVE_BASE = `/v2/project/${FAKE_API_KEY}/archive`;
const reply = (status: number, json: unknown): Reply => ({ status, json });

interface Reply {
  status: number;
  json?: unknown;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  if (reply.json === undefined) res.writeHead(reply.status).end();
  else sendJson(res, reply.status, reply.json);
}

export async function startFailingPlatform(): Promise<FailingPlatform> {
  let fault: Fault = 'none';
  let scope: FaultScope = 'all';
  const archives = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** Applies the request to the platform's state and returns what a healthy platform answers. */
  const healthy = (req: IncomingMessage): Reply => {
    const [pathname = ''] = (req.url ?? '').split('?');
    if (req.method === 'POST' && pathname === '/session/create') {
      return reply(200, [
        { session_id: FAKE_SESSION_ID, project_id: FAKE_API_KEY, partner_id: FAKE_API_KEY },
      ]);
    }
    if (req.method === 'GET' && pathname === ARCHIVE_BASE) {
      const items = [...archives.values()];
      return reply(200, { count: items.length, items });
    }
    if (req.method === 'POST' && pathname === ARCHIVE_BASE) {
      const archive = archiveJson({ id: ARCHIVE_ID, status: 'started' });
      archives.set(ARCHIVE_ID, archive);
      return reply(200, archive);
    }
    const match = new RegExp(`^${ARCHIVE_BASE}/([^/]+)(/stop)?$`).exec(pathname);
    if (match) {
      const id = decodeURIComponent(match[1] ?? '');
      if (req.method === 'POST' && match[2]) {
        const archive = archiveJson({ id, status: 'stopped' });
        archives.set(id, archive);
        return reply(200, archive);
      }
      if (req.method === 'DELETE') {
        archives.delete(id);
        return { status: 204 };
      }
      if (req.method === 'GET') {
        return reply(
          200,
          archiveJson({ id, status: 'available', url: 'https://archives.example.test/a.mp4?sig=1' }),
        );
      }
    }
    return reply(404, { code: 404, message: 'Not found' });
  };

  const failing = (res: ServerResponse, req: IncomingMessage): boolean => {
    const isArchive = (req.url ?? '').startsWith(ARCHIVE_BASE);
    if (fault === 'none' || (scope === 'archives' && !isArchive)) return false;
    switch (fault) {
      case 'http-500':
        sendJson(res, 500, { code: 500, message: 'System error' });
        return true;
      case 'http-503':
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable');
        return true;
      case 'slow': {
        // The answer does come, but after the SDK gave up; a late answer must not disturb the app.
        const answer = healthy(req);
        const timer = setTimeout(() => {
          timers.delete(timer);
          sendReply(res, answer);
        }, platform.slowMs);
        timers.add(timer);
        return true;
      }
      case 'no-answer':
        return true;
      case 'reset-before-reply':
        req.socket.destroy();
        return true;
      case 'reset-mid-body':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 4000 });
        res.write('{"id":"b40ef09b-3811-4726-b508-e41a0f96c68f","status":"avail');
        setImmediate(() => req.socket.destroy());
        return true;
      case 'malformed-json':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"session_id": [ {,');
        return true;
      case 'html-error-page':
        res
          .writeHead(502, { 'Content-Type': 'text/html' })
          .end('<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
        return true;
      case 'html-200-page':
        res
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end('<!doctype html><html><body><form>Sign in to the corporate proxy</form></body></html>');
        return true;
    }
  };

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.once('end', () => {
      if (!failing(res, req)) sendReply(res, healthy(req));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const platform: FailingPlatform = {
    url: `http://127.0.0.1:${port}`,
    slowMs: 1000,
    set(next, nextScope = 'all') {
      fault = next;
      scope = nextScope;
    },
    archives,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return platform;
}
