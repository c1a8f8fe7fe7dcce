/** Upload bodies: nothing is read before the caller may write that upload, chunks take no encoding, inflation is bounded. */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { FakeBrowser } from '../emulator/support/fake-browser';
import { joinSession } from '../emulator/support/join-session';
import { archivePath, createSession, rest, restJwt } from '../emulator/support/platform-client';
import { getUploadState, mediaUrl, putChunk, uploadHeaders } from '../emulator/support/uploads';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

let emu: TestEmulator;
const browsers: FakeBrowser[] = [];
let archiveId: string;
let streamId: string;
let publisher: FakeBrowser;
let watcher: FakeBrowser;
let stranger: FakeBrowser;

/** 16 KB of gzip that inflates to 16 MiB: a whole chunk of the default limit. */
const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, ' '), { level: 9 });

async function join(sessionId: string): Promise<FakeBrowser> {
  const browser = await joinSession(emu, sessionId);
  browsers.push(browser);
  return browser;
}

/** The publisher's finish request for its upload, with a gzip-encoded JSON body. */
function postGzippedFinish(body: Buffer): Promise<Response> {
  return fetch(mediaUrl(emu, archiveId, streamId, '/finish'), {
    method: 'POST',
    headers: {
      ...uploadHeaders(publisher),
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body,
  });
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const sessionId = await createSession(emu);
  publisher = await join(sessionId);
  watcher = await join(sessionId);
  stranger = await join(await createSession(emu));
  streamId = await publisher.publish();
  const started = await rest(emu, 'POST', archivePath(emu), {
    body: { sessionId, outputMode: 'individual' },
  });
  archiveId = (started.body as { id: string }).id;
});
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.leave()));
  await emu.close();
});

/**
 * Sends the request line and headers and the first bytes of a chunked body that never ends; resolves with the
 * status of an answer given before the rest of the body, and rejects when the server waits for it.
 */
function answerWithoutBody(
  method: string,
  url: string,
  headers: Record<string, string>,
  firstBytes: Uint8Array = bomb.subarray(0, 64),
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.setTimeout(1500, () => {
      reject(new Error(`${method} ${url}: no answer while the body was incomplete`));
      req.destroy();
    });
    req.write(firstBytes);
  });
}

const gzipChunk = { 'content-type': 'video/webm', 'content-encoding': 'gzip' };

describe('a media chunk', () => {
  it('is refused before its body is read unless the caller may write that very upload', async () => {
    const chunkUrl = (archive: string, stream: string) => mediaUrl(emu, archive, stream, '/0');
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['no upload credentials', chunkUrl(archiveId, streamId), {}, 403],
      ['a wrong upload key', chunkUrl(archiveId, streamId), uploadHeaders(publisher, 'x'.repeat(32)), 403],
      ['a client of another session', chunkUrl(archiveId, streamId), uploadHeaders(stranger), 404],
      [
        'an unknown archive',
        chunkUrl('00000000-0000-4000-8000-000000000000', streamId),
        uploadHeaders(publisher),
        404,
      ],
      ['a stream the client does not publish', chunkUrl(archiveId, streamId), uploadHeaders(watcher), 403],
      [
        'the composed stream of an individual archive',
        chunkUrl(archiveId, 'composed'),
        uploadHeaders(publisher),
        400,
      ],
    ];
    for (const [label, url, headers, status] of cases) {
      const answered = await answerWithoutBody('PUT', url, { ...headers, ...gzipChunk });
      expect({ label, status: answered }).toEqual({ label, status });
    }
  });

  it('with any Content-Encoding is refused with 415 before a byte is inflated, even from its own uploader', async () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'x-gzip']) {
      const status = await answerWithoutBody('PUT', mediaUrl(emu, archiveId, streamId, '/0'), {
        ...uploadHeaders(publisher),
        'content-type': 'video/webm',
        'content-encoding': encoding,
      });
      expect({ encoding, status }).toEqual({ encoding, status: 415 });
    }
    const whole = await fetch(mediaUrl(emu, archiveId, streamId, '/0'), {
      method: 'PUT',
      headers: { ...uploadHeaders(publisher), ...gzipChunk },
      body: bomb,
    });
    expect(whole.status).toBe(415);
    expect(await whole.json()).toEqual({ code: -1, message: expect.stringMatching(/Content-Encoding/) });
    expect((await getUploadState(emu, publisher, archiveId, streamId)).body).toEqual({
      nextSeq: 0,
      finished: false,
    });
  });

  it('without an encoding is stored as before', async () => {
    expect(await putChunk(emu, publisher, archiveId, streamId, 0, Buffer.from('webm bytes'))).toEqual({
      status: 200,
      body: { nextSeq: 1, finished: false },
    });
  });
});

describe('a JSON body with an encoding', () => {
  it('is inflated no further than its limit: finishing an upload and starting an archive', async () => {
    const finish = await postGzippedFinish(bomb);
    expect(finish.status).toBe(413);
    const start = await fetch(`${emu.url}${archivePath(emu)}`, {
      method: 'POST',
      headers: {
        'x-opentok-auth': await restJwt(emu),
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: bomb,
    });
    expect(start.status).toBe(413);
  });

  it('within its limit is read as before', async () => {
    const finish = await postGzippedFinish(
      gzipSync(JSON.stringify({ startTimeOffset: 0, stopTimeOffset: 500 })),
    );
    expect({ status: finish.status, body: await finish.json() }).toEqual({
      status: 200,
      body: { nextSeq: 1, finished: true },
    });
  });
});
