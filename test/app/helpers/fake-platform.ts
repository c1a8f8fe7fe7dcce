/** A tiny node:http stand-in for the platform that fails on purpose (the emulator never would). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_API_KEY = '123456';
export const FAKE_API_SECRET = 'f00dfacef00dfacef00dfacef00dfacef00dface';

/** A session ID that decodes to FAKE_API_KEY, so the SDK agrees to mint tokens for it. */
export const FAKE_SESSION_ID = `1_${Buffer.from(`1~${FAKE_API_KEY}~~1700000000000~0.25~`).toString('base64url')}`;

export type Reply = { status: number; body?: string; contentType?: string } | 'hang';
export type Responder = (req: IncomingMessage) => Reply | undefined;

export interface FakePlatform {
  url: string;
  /** "METHOD path" of every request received. */
  requests: string[];
  /** Replaces what the platform answers (session creation succeeds unless the responder says otherwise). */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json',
});

export function archiveJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'b40ef09b-3811-4726-b508-e41a0f96c68f',
    status: 'started',
    name: 'Demo',
    sessionId: FAKE_SESSION_ID,
    projectId: Number(FAKE_API_KEY),
    createdAt: 1700000000000,
    duration: 0,
    size: 0,
    outputMode: 'composed',
    hasAudio: true,
    hasVideo: true,
    url: null,
    password: '',
    reason: '',
    ...overrides,
  };
}

export function jsonReply(status: number, value: unknown): Reply {
  return json(status, value);
}

export async function startFakePlatform(): Promise<FakePlatform> {
  let responder: Responder = () => undefined;
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    let reply = responder(req);
    if (!reply && req.method === 'POST' && req.url === '/session/create') {
      reply = json(200, [
        { session_id: FAKE_SESSION_ID, project_id: FAKE_API_KEY, partner_id: FAKE_API_KEY },
      ]);
    }
    if (!reply && req.method === 'GET' && req.url?.includes('/archive'))
      reply = json(200, { count: 0, items: [] });
    if (reply === 'hang') {
      hanging.add(res);
      return;
    }
    const {
      status,
      body = '',
      contentType = 'text/plain',
    } = reply ?? { status: 500, body: 'unexpected request' };
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
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
