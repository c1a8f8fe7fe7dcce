/**
 * A chunk still being written when the archive's last upload finishes: the assembly waits for it, so a chunk the
 * emulator acknowledged is in the archive file, never removed with the chunks afterwards. The chunk write is a
 * seam (held open by the test): over HTTP the moment cannot be caught.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createArchiveLifecycle, type ArchiveLifecycle } from '../../src/emulator/archives/archive-lifecycle';
import { resolveLimits } from '../../src/emulator/limits';
import { createMediaFiles, type MediaFiles } from '../../src/emulator/media/media-files';
import { createUploads, type Uploads } from '../../src/emulator/media/uploads';
import { createPresenceRegistry, type PresenceRegistry } from '../../src/emulator/realtime/presence-registry';
import { openRecordFilesStore } from '../../src/emulator/storage/record-files-store';
import { createLogLines } from '../helpers/log-lines';
import { SEED_API_KEY, SEED_SESSION_ID, sessionRecord } from './support/records';

const OFFSETS = { startTimeOffset: 0, stopTimeOffset: 500 };

let dataDir: string;
let lifecycle: ArchiveLifecycle | undefined;
afterEach(async () => {
  await lifecycle?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A client present in the seed session, publishing one camera stream. */
function addPublisher(presence: PresenceRegistry, name: string): { connectionId: string; uploadKey: string } {
  const connectionId = `${name}-connection`;
  const uploadKey = `${name}-upload-key`;
  presence.addConnection({
    info: { connectionId, creationTime: Date.now(), data: name },
    sessionId: SEED_SESSION_ID,
    role: 'publisher',
    capabilities: { publish: true, subscribe: true, signal: true, forceDisconnect: false },
    uploadKey,
    initialLayoutClassList: [],
  });
  presence.addStream({
    streamId: `${name}-stream`,
    connectionId,
    creationTime: Date.now(),
    name,
    hasAudio: true,
    hasVideo: true,
    videoType: 'camera',
    videoDimensions: { width: 640, height: 480 },
    frameRate: 30,
  });
  return { connectionId, uploadKey };
}

async function setUp() {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'chunk-during-assembly-'));
  const { logger } = createLogLines('silent');
  const store = await openRecordFilesStore(dataDir, { logger });
  store.putSession(sessionRecord());
  const disk = createMediaFiles(dataDir);
  /** while set, the write of that chunk waits for `held` */
  const gate: { uploadKey: string; seq: number; held: Promise<void> | null } = {
    uploadKey: '',
    seq: -1,
    held: null,
  };
  const media: MediaFiles = {
    ...disk,
    async writeChunk(archiveId, uploadKey, seq, body) {
      if (gate.uploadKey === uploadKey && gate.seq === seq) await gate.held;
      await disk.writeChunk(archiveId, uploadKey, seq, body);
    },
  };
  const presence = createPresenceRegistry();
  const limits = resolveLimits({ finishDeadlineMs: 60_000 });
  lifecycle = createArchiveLifecycle({
    store,
    media,
    presence,
    messenger: { sendTo: () => undefined, broadcast: () => undefined },
    clock: Date.now,
    limits,
    logger,
  });
  const uploads: Uploads = createUploads({ presence, archives: lifecycle, media, limits });
  return { lifecycle, uploads, presence, gate, disk };
}

async function waitForEnd(lifecycle: ArchiveLifecycle, archiveId: string) {
  const deadline = Date.now() + 4000;
  for (;;) {
    const archive = lifecycle.find(archiveId);
    if (archive?.status === 'available' || archive?.status === 'failed') return archive;
    if (Date.now() > deadline) throw new Error(`archive still ${archive?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('puts a chunk acknowledged while the assembly began into the archive file', async () => {
  const { lifecycle, uploads, presence, gate, disk } = await setUp();
  const alice = addPublisher(presence, 'alice');
  const bob = addPublisher(presence, 'bob');
  const archive = await lifecycle.start(SEED_API_KEY, {
    sessionId: SEED_SESSION_ID,
    name: null,
    hasAudio: true,
    hasVideo: true,
    outputMode: 'individual',
    resolution: '640x480',
    layout: null,
    streamMode: 'auto',
    multiArchiveTag: null,
    maxBitrate: null,
    quantizationParameter: null,
  });
  const put = (who: typeof alice, streamId: string, seq: number, label: string) =>
    uploads.putChunk({
      caller: who,
      archiveId: archive.id,
      streamId,
      seq: String(seq),
      body: Buffer.from(label),
    });
  const finish = (who: typeof alice, streamId: string) =>
    uploads.finish({ caller: who, archiveId: archive.id, streamId, body: OFFSETS });

  await put(alice, 'alice-stream', 0, 'alice 0|');
  await finish(alice, 'alice-stream');
  // Alice's page sent its last chunk with its finish; the chunk is still being written...
  let release = (): void => undefined;
  gate.uploadKey = 'alice-stream';
  gate.seq = 1;
  gate.held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const lateChunk = put(alice, 'alice-stream', 1, 'alice 1|');
  await lifecycle.stop(archive.id, 'user initiated');
  await put(bob, 'bob-stream', 0, 'bob 0|');
  // ...when Bob's finish, the last one awaited, starts the assembly.
  await finish(bob, 'bob-stream');
  release();
  await expect(lateChunk).resolves.toEqual({ nextSeq: 2, finished: true });

  const ended = await waitForEnd(lifecycle, archive.id);
  expect(ended.status).toBe('available');
  const files = unzipSync(await readFile(disk.archiveFilePath(ended.file!)));
  expect(Buffer.from(files['alice-stream.webm']!).toString()).toBe('alice 0|alice 1|');
  expect(Buffer.from(files['bob-stream.webm']!).toString()).toBe('bob 0|');
});
