/** REST paths as clients really send them: broken percent-escapes, paths outside the emulator's base path. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { restJwt } from './support/platform-client';
import { rawRequest, type RawReply } from '../helpers/raw-request';

/** Log lines at level error (50) or above, as JSON objects. */
const errorLines: Array<Record<string, unknown>> = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.level === 'number' && entry.level >= 50) errorLines.push(entry);
    }
    done();
  },
});

let server: TestEmulator;
let jwt: string;

beforeAll(async () => {
  server = await startTestEmulator({ logger: pino({ level: 'info' }, logSink) });
  jwt = await restJwt(server);
});
afterAll(() => server.close());

/** Sends the request target exactly as written (fetch would re-encode it). */
function send(method: string, target: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return rawRequest(server.url, method, target, headers);
}

describe('a path parameter that is not valid percent-encoded UTF-8', () => {
  it.each([
    ['GET', '/emulator/downloads/%E0%A4%A?expires=1&signature=x'],
    ['GET', '/emulator/v2/project/%E0%A4%A/archive'],
    ['GET', '/emulator/v2/project/{key}/archive/%E0%A4%A'],
    ['DELETE', '/emulator/v2/project/{key}/archive/%E0%A4%A'],
    ['PUT', '/emulator/media/%ZZ/b/1'],
    ['GET', '/emulator/media/a/%'],
    ['POST', '/emulator/v2/project/{key}/session/%E0%A4%A/signal'],
    ['DELETE', '/emulator/v2/project/{key}/session/s/connection/%C0%AF'],
  ])('%s %s answers 400 with the platform error body and logs no error', async (method, target) => {
    errorLines.length = 0;
    const res = await send(method, target.replace('{key}', server.emulator.apiKey), {
      'x-opentok-auth': jwt,
    });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({
      code: -1,
      message: expect.stringMatching(/^Invalid request\. The path is not valid percent-encoded UTF-8/),
    });
    expect(errorLines).toEqual([]);
  });
});

describe('the standalone server outside its base path', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/favicon.ico'],
    ['GET', '/emulatorx/v2/project/1/archive'],
    ['POST', '/v2'],
    ['DELETE', '/some/where/else'],
    ['GET', '/%E0%A4%A'],
  ])('%s %s answers the platform 404 JSON', async (method, target) => {
    const res = await send(method, target, { 'x-opentok-auth': jwt });
    expect(res.status).toBe(404);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({ code: -1, message: expect.stringMatching(/^Not found/) });
  });
});
