/** Media: chunked uploads → stop → archive available → the signed download returns a valid zip or webm. */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { unzipSync } from 'fflate';
import { startTestEmulator } from '../helpers/emulator';
import type { FakeBrowser } from './support/fake-browser';
import { joinSession } from './support/join-session';
import { archivePath, createSession, rest, type TokenRole } from './support/platform-client';
import { useSharedEmulator } from './support/shared-emulator';
import { finishUpload, getUploadState, mediaUrl, putChunk, uploadHeaders } from './support/uploads';

let clockOffsetMs = 0;
const emu = useSharedEmulator({
  clock: () => Date.now() + clockOffsetMs,
  limits: {
    finishDeadlineMs: 800,
    emptySessionGraceMs: 200,
    maxChunkBytes: 64 * 1024,
    maxArchiveBytes: 200 * 1024,
  },
});
afterEach(() => {
  clockOffsetMs = 0;
});

type ArchiveBody = {
  id: string;
  status: string;
  url: string | null;
  size: number;
  sha256sum: string;
  duration: number;
  reason: string;
};

const join = (sessionId: string, data: string, role: TokenRole = 'publisher'): Promise<FakeBrowser> =>
  emu.join(sessionId, { data, role });

async function startArchive(sessionId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await rest(emu, 'POST', archivePath(emu), { body: { sessionId, ...extra } });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
}

/** alice publishing into a started individual archive, and another client of her session. */
async function aliceRecordingBeside(otherData: string) {
  const sessionId = await createSession(emu);
  const alice = await join(sessionId, 'alice');
  const other = await join(sessionId, otherData);
  const streamId = await alice.publish();
  const archiveId = await startArchive(sessionId, { outputMode: 'individual' });
  return { sessionId, alice, other, streamId, archiveId };
}

/**
 * A new session whose one client publishes and is recorded: its stream in an individual archive, or, elected as
 * recorder, the whole session in a composed one. `streamId` is the one its uploads go to.
 */
async function startRecording(
  data: string,
  outputMode: 'individual' | 'composed',
): Promise<{ client: FakeBrowser; archiveId: string; streamId: string }> {
  const sessionId = await createSession(emu);
  const client = await join(sessionId, data);
  const published = await client.publish();
  const archiveId = await startArchive(sessionId, outputMode === 'individual' ? { outputMode } : {});
  if (outputMode === 'individual') return { client, archiveId, streamId: published };
  await client.waitFor((m) => m.type === 'recorderElected');
  return { client, archiveId, streamId: 'composed' };
}

const stop = (id: string) => rest(emu, 'POST', archivePath(emu, `/${id}/stop`));

async function waitForStatus(id: string, statuses: string[]): Promise<ArchiveBody> {
  const deadline = Date.now() + 4000;
  for (;;) {
    const body = (await rest(emu, 'GET', archivePath(emu, `/${id}`))).body as ArchiveBody;
    if (statuses.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`archive still ${body.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Fake "webm" bytes: the assembly must not care what the media is. */
function fakeChunk(label: string, size = 1000): Uint8Array {
  const bytes = Buffer.alloc(size, label);
  bytes.write(`${label}|`, 0);
  return bytes;
}

const sha256Base64 = (data: Uint8Array): string => createHash('sha256').update(data).digest('base64');

describe('individual archives', () => {
  it('assembles a zip with one webm per stream and a manifest, served by a signed link', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId, 'name=alice');
    const bob = await join(sessionId, 'name=bob');
    const aliceStream = await alice.publish();
    const bobStream = await bob.publish();
    const archiveId = await startArchive(sessionId, { outputMode: 'individual', name: 'Two streams' });

    const aliceChunks = [fakeChunk('a0'), fakeChunk('a1', 2000), fakeChunk('a2', 10)];
    for (const [seq, chunk] of aliceChunks.entries()) {
      expect(await putChunk(emu, alice, archiveId, aliceStream, seq, chunk)).toEqual({
        status: 200,
        body: { nextSeq: seq + 1, finished: false },
      });
    }
    // A re-sent chunk is acknowledged again; a gap answers 409 with the chunk expected next.
    expect(await putChunk(emu, alice, archiveId, aliceStream, 1, aliceChunks[1]!)).toMatchObject({
      status: 200,
      body: { nextSeq: 3 },
    });
    expect(await putChunk(emu, alice, archiveId, aliceStream, 5, fakeChunk('x'))).toMatchObject({
      status: 409,
      body: { nextSeq: 3 },
    });
    expect((await getUploadState(emu, alice, archiveId, aliceStream)).body).toEqual({
      nextSeq: 3,
      finished: false,
    });

    const bobChunk = fakeChunk('b0', 1500);
    await putChunk(emu, bob, archiveId, bobStream, 0, bobChunk);
    expect((await stop(archiveId)).status).toBe(200);
    expect(
      (await finishUpload(emu, alice, archiveId, aliceStream, { startTimeOffset: 0, stopTimeOffset: 1200 }))
        .status,
    ).toBe(200);
    expect((await waitForStatus(archiveId, ['stopped', 'available'])).status).toBe('stopped');
    expect(
      (await finishUpload(emu, bob, archiveId, bobStream, { startTimeOffset: 100, stopTimeOffset: 1100 }))
        .body,
    ).toEqual({ nextSeq: 1, finished: true });

    const archive = await waitForStatus(archiveId, ['available']);
    expect(archive.url).toMatch(
      new RegExp(`^${emu.url}/downloads/${archiveId}\\?expires=\\d+&signature=[0-9a-f]{64}$`),
    );
    const download = await fetch(archive.url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const zipBytes = new Uint8Array(await download.arrayBuffer());
    expect(zipBytes.length).toBe(archive.size);
    expect(sha256Base64(zipBytes)).toBe(archive.sha256sum);

    const files = unzipSync(zipBytes);
    expect(Object.keys(files).sort()).toEqual(
      [`${aliceStream}.webm`, `${archiveId}.json`, `${bobStream}.webm`].sort(),
    );
    expect(Buffer.from(files[`${aliceStream}.webm`]!)).toEqual(Buffer.concat(aliceChunks));
    expect(Buffer.from(files[`${bobStream}.webm`]!)).toEqual(Buffer.from(bobChunk));
    const manifest = JSON.parse(Buffer.from(files[`${archiveId}.json`]!).toString('utf8'));
    expect(manifest).toMatchObject({
      id: archiveId,
      name: 'Two streams',
      sessionId,
      createdAt: expect.any(Number),
    });
    expect(manifest.files).toEqual(
      expect.arrayContaining([
        {
          filename: `${aliceStream}.webm`,
          startTimeOffset: 0,
          stopTimeOffset: 1200,
          size: 3010,
          streamId: aliceStream,
          videoType: 'camera',
          connectionData: 'name=alice',
        },
        {
          filename: `${bobStream}.webm`,
          startTimeOffset: 100,
          stopTimeOffset: 1100,
          size: 1500,
          streamId: bobStream,
          videoType: 'camera',
          connectionData: 'name=bob',
        },
      ]),
    );
    // Nothing more is accepted once the archive is assembled.
    expect((await putChunk(emu, alice, archiveId, aliceStream, 3, fakeChunk('late'))).status).toBe(409);
  });

  it('assembles what arrived when a stream never finishes by the deadline', async () => {
    const { client: alice, archiveId, streamId } = await startRecording('alice', 'individual');
    await putChunk(emu, alice, archiveId, streamId, 0, fakeChunk('only'));
    await stop(archiveId);
    const archive = await waitForStatus(archiveId, ['available', 'failed']);
    expect(archive).toMatchObject({ status: 'available', size: expect.any(Number) });
  });

  it("refuses uploads without the connection's key, for another client's stream, or into a composed archive", async () => {
    const { alice, other: mallory, streamId, archiveId } = await aliceRecordingBeside('mallory');
    expect(
      (await putChunk(emu, alice, archiveId, streamId, 0, fakeChunk('x'), { uploadKey: 'wrong-key' })).status,
    ).toBe(403);
    expect((await putChunk(emu, mallory, archiveId, streamId, 0, fakeChunk('x'))).status).toBe(403);
    expect((await putChunk(emu, alice, archiveId, 'composed', 0, fakeChunk('x'))).status).toBe(400);
    expect(
      (await putChunk(emu, alice, '00000000-0000-0000-0000-000000000000', streamId, 0, fakeChunk('x')))
        .status,
    ).toBe(404);
    expect((await putChunk(emu, alice, archiveId, streamId, -1, fakeChunk('x'))).status).toBe(400);
    expect(
      (await finishUpload(emu, alice, archiveId, streamId, { startTimeOffset: 10, stopTimeOffset: 5 }))
        .status,
    ).toBe(400);
  });

  it('answers 403 to a wrong upload key before reading the body', async () => {
    const { client: alice, archiveId, streamId } = await startRecording('alice', 'individual');
    // The request announces a full-size chunk but sends only its first bytes: a server that reads the body
    // before checking the key waits for the rest and never answers.
    const { port, pathname } = new URL(mediaUrl(emu, archiveId, streamId, '/0'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: pathname,
          method: 'PUT',
          headers: {
            ...uploadHeaders(alice, 'wrong-key'),
            'content-type': 'video/webm',
            'content-length': String(64 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.setTimeout(1500, () => reject(new Error('no answer while the body was incomplete')));
      req.write(fakeChunk('x', 1024));
    });
    expect(status).toBe(403);
  });

  it('keeps the upload key of a client that left while its archive takes media, and forgets it after', async () => {
    const { alice, other: bob, streamId, archiveId } = await aliceRecordingBeside('bob');
    expect((await putChunk(emu, alice, archiveId, streamId, 0, fakeChunk('a'))).status).toBe(200);
    const uploadStatus = async () => (await getUploadState(emu, alice, archiveId, streamId)).status;
    await alice.leave();
    await bob.waitFor((m) => m.type === 'connectionDestroyed');
    expect(await uploadStatus()).toBe(200);
    expect(
      (await finishUpload(emu, alice, archiveId, streamId, { startTimeOffset: 0, stopTimeOffset: 500 }))
        .status,
    ).toBe(200);
    expect((await stop(archiveId)).status).toBe(200);
    await waitForStatus(archiveId, ['available']);
    expect(await uploadStatus()).toBe(403);
  });

  it('forgets the upload key of a client that leaves a session no archive records', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId, 'alice');
    const bob = await join(sessionId, 'bob');
    const anyArchive = '00000000-0000-0000-0000-000000000000';
    const status = async () => (await getUploadState(emu, alice, anyArchive, 'stream')).status;
    expect(await status()).toBe(404);
    await alice.leave();
    await bob.waitFor((m) => m.type === 'connectionDestroyed');
    expect(await status()).toBe(403);
  });

  it('answers 413 for a chunk over the limit and for an archive over its total', async () => {
    const { client: alice, archiveId, streamId } = await startRecording('alice', 'individual');
    const tooBig = await putChunk(emu, alice, archiveId, streamId, 0, fakeChunk('big', 65 * 1024));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({
      code: -1,
      message: 'Payload too large. A media chunk holds at most 65536 bytes.',
    });
    for (let seq = 0; seq < 3; seq += 1) {
      expect(
        (await putChunk(emu, alice, archiveId, streamId, seq, fakeChunk(`c${seq}`, 64 * 1024))).status,
      ).toBe(200);
    }
    expect((await putChunk(emu, alice, archiveId, streamId, 3, fakeChunk('c3', 64 * 1024))).status).toBe(413);
  });
});

describe('composed archives', () => {
  it("a single recorder's archive is its webm", async () => {
    const { client: only, archiveId } = await startRecording('only', 'composed');
    const chunks = [fakeChunk('c0', 600), fakeChunk('c1', 400)];
    for (const [seq, chunk] of chunks.entries()) await putChunk(emu, only, archiveId, 'composed', seq, chunk);
    await stop(archiveId);
    await finishUpload(emu, only, archiveId, 'composed', { startTimeOffset: 0, stopTimeOffset: 1000 });

    const archive = await waitForStatus(archiveId, ['available']);
    const download = await fetch(archive.url!);
    expect(download.headers.get('content-type')).toBe('video/webm');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename=recording-[\d-]+\.webm$/,
    );
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes).toEqual(Buffer.concat(chunks));
    expect(sha256Base64(bytes)).toBe(archive.sha256sum);
  });

  it('after a handover the archive is a zip of every segment in order, and its manifest names the recorders', async () => {
    const sessionId = await createSession(emu);
    const first = await join(sessionId, 'first');
    const second = await join(sessionId, 'second');
    await first.publish();
    const archiveId = await startArchive(sessionId);
    await first.waitFor((m) => m.type === 'recorderElected');
    expect((await putChunk(emu, second, archiveId, 'composed', 0, fakeChunk('no'))).status).toBe(403);
    // The first segment is the larger one: the order must follow the recorders, not the sizes.
    const firstChunks = [fakeChunk('f0', 900), fakeChunk('f1', 900)];
    for (const [seq, chunk] of firstChunks.entries())
      await putChunk(emu, first, archiveId, 'composed', seq, chunk);
    await finishUpload(emu, first, archiveId, 'composed', {
      startTimeOffset: 0,
      stopTimeOffset: 500,
      note: 'recorder left',
    });
    await first.leave();

    await second.waitFor((m) => m.type === 'recorderElected' && m.recording);
    const secondChunks = [fakeChunk('s0', 800), fakeChunk('s1', 700)];
    for (const [seq, chunk] of secondChunks.entries())
      await putChunk(emu, second, archiveId, 'composed', seq, chunk);
    await stop(archiveId);
    await second.waitFor((m) => m.type === 'recorderElected' && !m.recording);
    await finishUpload(emu, second, archiveId, 'composed', { startTimeOffset: 400, stopTimeOffset: 2000 });

    const archive = await waitForStatus(archiveId, ['available']);
    const download = await fetch(archive.url!);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename=recording-[\d-]+\.zip$/,
    );
    const zipBytes = new Uint8Array(await download.arrayBuffer());
    expect(sha256Base64(zipBytes)).toBe(archive.sha256sum);
    expect(archive.size).toBe(zipBytes.length);
    const files = unzipSync(zipBytes);
    expect(Object.keys(files).sort()).toEqual(
      [`${archiveId}.json`, 'composed-1.webm', 'composed-2.webm'].sort(),
    );
    expect(Buffer.from(files['composed-1.webm']!)).toEqual(Buffer.concat(firstChunks));
    expect(Buffer.from(files['composed-2.webm']!)).toEqual(Buffer.concat(secondChunks));
    const manifest = JSON.parse(Buffer.from(files[`${archiveId}.json`]!).toString('utf8'));
    expect(manifest).toEqual({
      id: archiveId,
      name: null,
      sessionId,
      createdAt: expect.any(Number),
      outputMode: 'composed',
      files: [
        { filename: 'composed-1.webm', startTimeOffset: 0, stopTimeOffset: 500, size: 1800 },
        { filename: 'composed-2.webm', startTimeOffset: 400, stopTimeOffset: 2000, size: 1500 },
      ],
      recorders: [
        {
          connectionId: first.connectionId,
          startTimeOffset: expect.any(Number),
          stopTimeOffset: expect.any(Number),
          note: 'recorder left',
        },
        {
          connectionId: second.connectionId,
          startTimeOffset: expect.any(Number),
          stopTimeOffset: expect.any(Number),
          note: null,
        },
      ],
    });
    const [firstRecorder, secondRecorder] = manifest.recorders;
    expect(firstRecorder.stopTimeOffset).toBeLessThanOrEqual(secondRecorder.startTimeOffset);
    expect(secondRecorder.stopTimeOffset).toBeGreaterThanOrEqual(secondRecorder.startTimeOffset);
  });
});

describe('download links', () => {
  it("refuse a forged signature, another archive's signature and an expired link with 403", async () => {
    const { client: alice, archiveId } = await startRecording('alice', 'composed');
    await putChunk(emu, alice, archiveId, 'composed', 0, fakeChunk('x'));
    await finishUpload(emu, alice, archiveId, 'composed', { startTimeOffset: 0, stopTimeOffset: 10 });
    await stop(archiveId);
    const { url } = await waitForStatus(archiveId, ['available']);
    expect((await fetch(url!)).status).toBe(200);
    const forged = url!.replace(
      /signature=([0-9a-f])/,
      (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`,
    );
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(url!.replace(archiveId, '00000000-0000-0000-0000-000000000000'))).status).toBe(403);
    clockOffsetMs = 11 * 60 * 1000;
    const expired = await fetch(url!);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { message: string }).message).toMatch(/expired/);
  });
});

describe('automatic stops', () => {
  it('stops with reason "session ended" after the last client left and the grace period passed', async () => {
    const { client: alice, archiveId, streamId } = await startRecording('alice', 'individual');
    await putChunk(emu, alice, archiveId, streamId, 0, fakeChunk('bye'));
    await finishUpload(emu, alice, archiveId, streamId, { startTimeOffset: 0, stopTimeOffset: 50 });
    await alice.leave();
    expect((await rest(emu, 'GET', archivePath(emu, `/${archiveId}`))).body).toMatchObject({
      status: 'paused',
    });
    const archive = await waitForStatus(archiveId, ['available', 'failed']);
    expect(archive).toMatchObject({ status: 'available', reason: 'session ended' });
  });

  it('marks an archive failed (reason "failure") when no media arrived by the deadline', async () => {
    const sessionId = await createSession(emu);
    const alice = await join(sessionId, 'alice');
    const archiveId = await startArchive(sessionId);
    await stop(archiveId);
    expect((await waitForStatus(archiveId, ['stopped', 'failed'])).status).toBe('stopped');
    expect(await waitForStatus(archiveId, ['failed', 'available'])).toMatchObject({
      status: 'failed',
      reason: 'failure',
    });
    expect(alice.connected).not.toBeNull();
  });
});

it('stops an archive with reason "maximum duration exceeded" at the length limit', async () => {
  const short = await startTestEmulator({ limits: { maxArchiveDurationMs: 150, finishDeadlineMs: 5000 } });
  let browser: FakeBrowser | undefined;
  try {
    const sessionId = await createSession(short);
    browser = await joinSession(short, sessionId);
    const id = (
      (await rest(short, 'POST', archivePath(short), { body: { sessionId } })).body as { id: string }
    ).id;
    await browser.waitFor((m) => m.type === 'archiveStopped');
    const archive = (await rest(short, 'GET', archivePath(short, `/${id}`))).body as ArchiveBody;
    expect(archive).toMatchObject({ status: 'stopped', reason: 'maximum duration exceeded' });
  } finally {
    await browser?.leave();
    await short.close();
  }
});
