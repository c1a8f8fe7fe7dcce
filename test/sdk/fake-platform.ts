/** A recording stand-in for the platform's REST API on 127.0.0.1:0, replaying fixture bodies. */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the server answers; `hang` never answers. */
export type Reply = { status: number; body?: string; contentType?: string } | { hang: true };

/** A running fake platform. */
export interface FakePlatform {
  url: string;
  requests: RecordedRequest[];
  /** Sets the reply to every following request. */
  respondWith(reply: Reply): void;
  close(): Promise<void>;
}

/** Reads a recorded body from test/fixtures/platform (copied verbatim from the platform reference). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'platform', name), 'utf8');
}

/** A JSON reply with a fixture body. */
export function jsonFixture(name: string, status = 200): Reply {
  return { status, body: fixture(name), contentType: 'application/json' };
}

export async function startFakePlatform(initial: Reply = { status: 204 }): Promise<FakePlatform> {
  let reply = initial;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if ('hang' in reply) return;
      const headers: Record<string, string> = {};
      if (reply.contentType !== undefined) headers['Content-Type'] = reply.contentType;
      res.writeHead(reply.status, headers);
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      reply = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Test credentials shared by the official SDKs' test suites (reference §1.1). */
export const API_KEY = '123456';
export const API_SECRET = '1234567890abcdef1234567890abcdef1234567890';
/** A session ID of API key 123456 (decodes to 1~123456~~Sat Mar 15 14:42:23 PDT 2014~0.49013025~). */
export const SESSION_ID = '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4';
