/**
 * A bad upload fails only its own stream: a crafted WebM (10,000 nested Seek elements) or a stream whose
 * chunks went missing leaves every other stream of the archive, and every other segment of a composed one,
 * in the archive file; the manifest names what was left out, and its media is kept in orphans/.
 */
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { addDurationToHead } from '../../src/emulator/media/webm-duration';
import type { FakeBrowser } from '../emulator/support/fake-browser';
import { archivePath, createSession, rest } from '../emulator/support/platform-client';
import { useSharedEmulator } from '../emulator/support/shared-emulator';
import { finishUpload, putChunk } from '../emulator/support/uploads';
import { ebml, readInfoDuration, uintBytes, unknownSize } from '../emulator/support/webm';

/** A real MediaRecorder recording and where its last block starts (test/emulator/fixtures/README.md). */
const RECORDING = readFileSync(
  path.join(__dirname, '..', 'emulator', 'fixtures', 'mediarecorder-vp8-opus.webm'),
);
const LAST_BLOCK_MS = 1572;

/** A WebM whose SeekHead holds Seek elements nested `depth` deep, then a normal Info and one block. */
function nestedSeekWebm(depth: number): Buffer {
  let seek = ebml(0x53ac, uintBytes(0, 2));
  for (let i = 0; i < depth; i += 1) seek = ebml(0x4dbb, seek);
  const info = ebml(0x1549a966, ebml(0x2ad7b1, uintBytes(1_000_000, 3)));
  const block = ebml(0xa3, Buffer.from([0x81, 0x00, 0x10, 0x80, 0x55, 0x55]));
  const cluster = unknownSize(0x1f43b675, ebml(0xe7, uintBytes(0, 2)), block);
  return Buffer.concat([
    ebml(0x1a45dfa3, ebml(0x4282, Buffer.from('webm'))),
    unknownSize(0x18538067, ebml(0x114d9b74, seek), info, cluster),
  ]);
}

const emu = useSharedEmulator({ limits: { finishDeadlineMs: 800, emptySessionGraceMs: 200 } });

type ArchiveBody = { id: string; status: string; url: string | null };

const join = (sessionId: string, data: string): Promise<FakeBrowser> => emu.join(sessionId, { data });

async function upload(browser: FakeBrowser, archiveId: string, streamId: string, chunks: Buffer[]) {
  for (const [seq, chunk] of chunks.entries()) {
    expect((await putChunk(emu, browser, archiveId, streamId, seq, chunk)).status).toBe(200);
  }
}

/** Waits until the archive is assembled (or failed) and downloads it. */
async function settle(archiveId: string): Promise<{ archive: ArchiveBody; bytes: Buffer | null }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const archive = (await rest(emu, 'GET', archivePath(emu, `/${archiveId}`))).body as ArchiveBody;
    if (archive.status === 'failed') return { archive, bytes: null };
    if (archive.status === 'available' && archive.url) {
      return { archive, bytes: Buffer.from(await (await fetch(archive.url)).arrayBuffer()) };
    }
    if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** Files under orphans/, relative to the orphans folder of the start or assembly that moved them. */
async function orphanedFiles(): Promise<string[]> {
  const root = path.join(emu.dataDir, 'orphans');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).slice(1).join('/'));
}

const manifestOf = (files: Record<string, Uint8Array>, archiveId: string) =>
  JSON.parse(Buffer.from(files[`${archiveId}.json`] as Uint8Array).toString('utf8')) as Record<
    string,
    unknown
  >;

it('reads the head of a WebM with 10,000 nested Seek elements without recursion, and leaves it as it came', () => {
  const crafted = nestedSeekWebm(10_000);
  expect(addDurationToHead(crafted, 1000)).toEqual({
    kind: 'unchanged',
    reason: 'SeekHead cannot be adjusted',
  });
  // A real SeekHead, two levels deep, is still adjusted.
  expect(addDurationToHead(nestedSeekWebm(1), 1000).kind).toBe('rewritten');
});

describe('individual archive', () => {
  /**
   * An individual archive of one client per entry, each publishing and uploading its chunks; `beforeFinish`
   * runs once all chunks are stored, before the uploads finish and the archive stops.
   */
  async function recordIndividually(
    publishers: Array<{ data: string; chunks: Buffer[] }>,
    beforeFinish?: (archiveId: string, streams: string[]) => Promise<void>,
  ): Promise<{ archiveId: string; streams: string[] }> {
    const sessionId = await createSession(emu);
    const clients: FakeBrowser[] = [];
    for (const { data } of publishers) clients.push(await join(sessionId, data));
    const streams: string[] = [];
    for (const client of clients) streams.push(await client.publish());
    const started = await rest(emu, 'POST', archivePath(emu), {
      body: { sessionId, outputMode: 'individual' },
    });
    const archiveId = (started.body as ArchiveBody).id;
    for (const [i, { chunks }] of publishers.entries()) {
      await upload(clients[i] as FakeBrowser, archiveId, streams[i] as string, chunks);
    }
    await beforeFinish?.(archiveId, streams);
    for (const [i, client] of clients.entries())
      await finishUpload(emu, client, archiveId, streams[i] as string);
    await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`));
    return { archiveId, streams };
  }

  const removeChunk = (archiveId: string, streamId: string | undefined, seq: number): Promise<void> =>
    rm(path.join(emu.dataDir, 'media', archiveId, String(streamId), `${String(seq).padStart(8, '0')}.chunk`));

  it("keeps the host's stream when a participant uploads a WebM of 10,000 nested Seek elements", async () => {
    const crafted = nestedSeekWebm(10_000);
    const { archiveId, streams } = await recordIndividually([
      { data: 'host', chunks: chunksOf(RECORDING, 2500) },
      { data: 'guest', chunks: [crafted] },
    ]);
    const [hostStream, guestStream] = streams;

    const { archive, bytes } = await settle(archiveId);
    expect(archive.status).toBe('available');
    const files = unzipSync(bytes as Buffer);
    expect(readInfoDuration(files[`${hostStream}.webm`] as Uint8Array)).toBe(LAST_BLOCK_MS);
    // The crafted file is a stranger's bytes: kept as they came, without a Duration.
    expect(Buffer.from(files[`${guestStream}.webm`] as Uint8Array)).toEqual(crafted);
    expect(manifestOf(files, archiveId)).not.toHaveProperty('failedStreams');
  });

  it('keeps the other streams when one lost a chunk, names it in the manifest and keeps its media', async () => {
    const { archiveId, streams } = await recordIndividually(
      [
        { data: 'host', chunks: chunksOf(RECORDING, 2500) },
        { data: 'guest', chunks: chunksOf(RECORDING, 3000) },
      ],
      (archiveId, [, guestStream]) => removeChunk(archiveId, guestStream, 1),
    );
    const [hostStream, guestStream] = streams;

    const { archive, bytes } = await settle(archiveId);
    expect(archive.status).toBe('available');
    const files = unzipSync(bytes as Buffer);
    expect(Object.keys(files).sort()).toEqual([`${archiveId}.json`, `${hostStream}.webm`].sort());
    expect(readInfoDuration(files[`${hostStream}.webm`] as Uint8Array)).toBe(LAST_BLOCK_MS);
    const manifest = manifestOf(files, archiveId);
    expect(manifest.files).toEqual([expect.objectContaining({ streamId: hostStream })]);
    expect(manifest.failedStreams).toEqual([
      {
        streamId: guestStream,
        videoType: 'camera',
        connectionData: 'guest',
        reason: 'a media chunk is missing',
      },
    ]);
    expect(await orphanedFiles()).toEqual(
      expect.arrayContaining([
        `media/${archiveId}/${guestStream}/00000000.chunk`,
        `media/${archiveId}/${guestStream}/00000002.chunk`,
      ]),
    );
  });

  it('fails only when no stream could be read', async () => {
    const { archiveId } = await recordIndividually(
      [{ data: 'guest', chunks: chunksOf(RECORDING, 3000) }],
      (archiveId, [guestStream]) => removeChunk(archiveId, guestStream, 0),
    );
    expect((await settle(archiveId)).archive.status).toBe('failed');
  });
});

describe('composed archive', () => {
  /** Two recorders: the first records `first`, leaves, and the second records `second`. */
  async function recordHandover(
    first: Buffer[],
    second: Buffer[],
    beforeStop?: (archiveId: string, firstConnectionId: string) => Promise<void>,
  ) {
    const sessionId = await createSession(emu);
    const a = await join(sessionId, 'first');
    const b = await join(sessionId, 'second');
    await a.publish();
    const started = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
    const archiveId = (started.body as ArchiveBody).id;
    await a.waitFor((m) => m.type === 'recorderElected');
    await upload(a, archiveId, 'composed', first);
    await finishUpload(emu, a, archiveId, 'composed', {
      startTimeOffset: 0,
      stopTimeOffset: 500,
      note: 'recorder left',
    });
    await a.leave();
    await b.waitFor((m) => m.type === 'recorderElected' && m.recording);
    await upload(b, archiveId, 'composed', second);
    await beforeStop?.(archiveId, a.connectionId);
    await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`));
    await b.waitFor((m) => m.type === 'recorderElected' && !m.recording);
    await finishUpload(emu, b, archiveId, 'composed', { startTimeOffset: 400, stopTimeOffset: 2000 });
    return { archiveId, firstConnectionId: a.connectionId };
  }

  it('keeps the good segment when the other is a WebM of 10,000 nested Seek elements', async () => {
    const crafted = nestedSeekWebm(10_000);
    const { archiveId } = await recordHandover(chunksOf(RECORDING, 2500), [crafted]);
    const { archive, bytes } = await settle(archiveId);
    expect(archive.status).toBe('available');
    const files = unzipSync(bytes as Buffer);
    expect(readInfoDuration(files['composed-1.webm'] as Uint8Array)).toBe(LAST_BLOCK_MS);
    expect(Buffer.from(files['composed-2.webm'] as Uint8Array)).toEqual(crafted);
  });

  it('keeps the good segment when the other lost a chunk, and the manifest names the one left out', async () => {
    const { archiveId, firstConnectionId } = await recordHandover(
      chunksOf(RECORDING, 2500),
      chunksOf(RECORDING, 2500),
      (id, connectionId) =>
        rm(path.join(emu.dataDir, 'media', id, `composed~${connectionId}`, '00000002.chunk')),
    );
    const { archive, bytes } = await settle(archiveId);
    expect(archive.status).toBe('available');
    const files = unzipSync(bytes as Buffer);
    expect(Object.keys(files).sort()).toEqual([`${archiveId}.json`, 'composed-2.webm'].sort());
    expect(readInfoDuration(files['composed-2.webm'] as Uint8Array)).toBe(LAST_BLOCK_MS);
    const manifest = manifestOf(files, archiveId);
    expect(manifest.files).toEqual([expect.objectContaining({ filename: 'composed-2.webm' })]);
    expect(manifest.failedSegments).toEqual([
      { filename: 'composed-1.webm', connectionId: firstConnectionId, reason: 'a media chunk is missing' },
    ]);
  });
});
