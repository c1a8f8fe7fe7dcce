/**
 * A full disk never makes a complete recording fail for good: an assembly that fails for the disk's sake keeps
 * the media, leaves no half-written file, keeps the archive stopped and tries again with a growing delay, and a
 * restart after space was freed assembles it. The disk is a seam: a file opener whose writes fail with ENOSPC
 * while `full` is set (a real full disk is not something a test can make).
 */
import { promises as fs } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createMediaFiles, type OpenFile } from '../../src/emulator/media/media-files';
import { openRecordFilesStore } from '../../src/emulator/storage/record-files-store';
import type { ArchiveRecord, UploadRecord } from '../../src/emulator/storage/records';
import { createLogLines } from '../helpers/log-lines';
import { createTestAssembly } from '../emulator/support/assembly';
import { stoppedArchive as seedStoppedArchive, uploadRecord } from '../emulator/support/records';

const ARCHIVE_ID = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
const CHUNKS: Record<string, Buffer[]> = {
  alice: [Buffer.from('alice 0|'), Buffer.from('alice 1|')],
  bob: [Buffer.from('bob 0|')],
};

function upload(streamId: string): UploadRecord {
  const chunks = CHUNKS[streamId] ?? [];
  return uploadRecord(streamId, {
    nextSeq: chunks.length,
    bytes: chunks.reduce((sum, c) => sum + c.length, 0),
  });
}

const stoppedArchive = seedStoppedArchive({
  id: ARCHIVE_ID,
  name: 'complete recording',
  uploads: { alice: upload('alice'), bob: upload('bob') },
});

/** A disk whose file writes fail with ENOSPC while `full` is set; `refusals` counts them. */
function createDisk() {
  const disk = { full: true, refusals: 0 };
  const openFile: OpenFile = async (filePath, flags, mode) => {
    const handle = await fs.open(filePath, flags, mode);
    const write = handle.write.bind(handle) as (data: Uint8Array) => Promise<unknown>;
    return Object.assign(handle, {
      write(data: Uint8Array) {
        if (!disk.full) return write(data);
        disk.refusals += 1;
        const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
        error.code = 'ENOSPC';
        return Promise.reject(error);
      },
    });
  };
  return { disk, openFile };
}

let dataDir: string;
const { lines, logger } = createLogLines('info');

beforeEach(async () => {
  lines.splice(0);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-disk-'));
  const store = await openRecordFilesStore(dataDir, { logger });
  const media = createMediaFiles(dataDir);
  for (const [key, chunks] of Object.entries(CHUNKS)) {
    for (const [seq, chunk] of chunks.entries()) await media.writeChunk(ARCHIVE_ID, key, seq, chunk);
  }
  store.putArchive(stoppedArchive);
  await store.save();
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** The emulator's assembly over the data folder, as a start builds it; `openFile` stands in for the disk. */
async function openAssembly(openFile?: OpenFile) {
  const store = await openRecordFilesStore(dataDir, { logger });
  const media = createMediaFiles(dataDir, { openFile });
  const assembly = createTestAssembly({
    store,
    media,
    retryDelays: { firstMs: 20, maxMs: 80 },
    clock: Date.now,
    logger,
  });
  return { store, assembly };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The waits logged by failed assemblies, in order. */
function retryDelays(): number[] {
  return lines
    .map((l) => JSON.parse(l) as { retryInMs?: number })
    .flatMap((l) => (l.retryInMs === undefined ? [] : [l.retryInMs]));
}

async function chunkFiles(): Promise<string[]> {
  const entries = await readdir(path.join(dataDir, 'media'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

async function expectAssembled(archive: ArchiveRecord | undefined): Promise<void> {
  expect(archive).toMatchObject({ status: 'available', file: { fileName: `${ARCHIVE_ID}.zip` } });
  const files = unzipSync(await fs.readFile(path.join(dataDir, 'archives', `${ARCHIVE_ID}.zip`)));
  expect(Buffer.from(files['alice.webm'] as Uint8Array)).toEqual(Buffer.concat(CHUNKS.alice ?? []));
  expect(Buffer.from(files['bob.webm'] as Uint8Array)).toEqual(Buffer.concat(CHUNKS.bob ?? []));
}

it('keeps the archive stopped and its media while the disk is full, and assembles it once there is space', async () => {
  const { disk, openFile } = createDisk();
  const { store, assembly } = await openAssembly(openFile);
  assembly.uploadFinished(ARCHIVE_ID);
  // Logged once an attempt has cleaned up after itself, and the next waits at least as long as the last.
  await waitUntil(() => retryDelays().length >= 3, 'three failed attempts');
  expect(disk.refusals).toBeGreaterThanOrEqual(3);

  expect(store.getArchive(ARCHIVE_ID)?.status).toBe('stopped');
  expect(assembly.isAcceptingMedia(store.getArchive(ARCHIVE_ID) as ArchiveRecord)).toBe(false);
  expect((await chunkFiles()).sort()).toEqual(['00000000.chunk', '00000000.chunk', '00000001.chunk']);
  expect(await readdir(path.join(dataDir, 'archives'))).toEqual([]);
  // Each failure doubles the wait, up to the longest.
  expect(retryDelays().slice(0, 3)).toEqual([20, 40, 80]);

  disk.full = false;
  await waitUntil(() => store.getArchive(ARCHIVE_ID)?.status === 'available', 'the archive to be available');
  await assembly.close();
  await expectAssembled(store.getArchive(ARCHIVE_ID));
  expect(await chunkFiles()).toEqual([]);
});

it('assembles at the next start an archive that the full disk kept stopped', async () => {
  const { disk, openFile } = createDisk();
  const first = await openAssembly(openFile);
  first.assembly.uploadFinished(ARCHIVE_ID);
  await waitUntil(() => disk.refusals >= 1, 'a failed attempt');
  await first.assembly.close();
  expect(first.store.getArchive(ARCHIVE_ID)?.status).toBe('stopped');

  // Space was freed while the emulator was down.
  const second = await openAssembly();
  await second.assembly.recover();
  await second.assembly.close();
  await expectAssembled(second.store.getArchive(ARCHIVE_ID));
});
