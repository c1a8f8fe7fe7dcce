/**
 * A finish that says how many chunks were sent: the emulator waits for a chunk the finish overtook (a closing
 * page sends both at once), and takes a finish with no chunks as a stream with nothing to record, so the archive
 * is assembled at once.
 */
import { putChunk } from './support/uploads';
import { archiveRecordSchema } from '../../src/emulator/storage/record-schema';
import { archivePath, createSession, rest } from './support/platform-client';
import { stoppedArchive, uploadRecord } from './support/records';
import { createArchiveEnding, labelledChunk } from './support/archive-ending';
import { useSharedEmulator } from './support/shared-emulator';

const FINISH_DEADLINE_MS = 1500;
const emu = useSharedEmulator({ limits: { finishDeadlineMs: FINISH_DEADLINE_MS } });

const { getArchive, waitForEnd, upload, finish, stop, zipFiles } = createArchiveEnding(
  emu,
  FINISH_DEADLINE_MS,
);

/** One tab publishing into an individual archive of the given kind. */
async function recording(kind: { hasAudio?: boolean; hasVideo?: boolean } = {}) {
  const sessionId = await createSession(emu);
  const browser = await emu.join(sessionId, { data: 'host' });
  const streamId = await browser.publish();
  const started = await rest(emu, 'POST', archivePath(emu), {
    body: { sessionId, outputMode: 'individual', ...kind },
  });
  expect(started.status).toBe(200);
  return { sessionId, browser, streamId, archiveId: (started.body as { id: string }).id };
}

describe('a finish that arrives before the last chunk it counts', () => {
  it('keeps the late chunk of a tab closed right after Stop, and assembles once it arrived', async () => {
    const { browser, streamId, archiveId } = await recording();
    const chunks = [labelledChunk('c0'), labelledChunk('c1')];
    await upload(browser, archiveId, streamId, chunks.slice(0, 1));
    await stop(archiveId);
    // The closing page's finish overtakes its last chunk; this upload is the last one the archive awaits.
    expect((await finish(browser, archiveId, streamId, { chunks: 2 })).status).toBe(200);
    expect(await putChunk(emu, browser, archiveId, streamId, 1, chunks[1]!)).toEqual({
      status: 200,
      body: { nextSeq: 2, finished: true },
    });
    const stoppedAt = Date.now();

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${streamId}.webm`]).toEqual(Buffer.concat(chunks));
    expect(Date.now() - stoppedAt).toBeLessThan(FINISH_DEADLINE_MS);
  });

  it('assembles what arrived at the finish deadline when a counted chunk never comes', async () => {
    const { browser, streamId, archiveId } = await recording();
    const first = labelledChunk('c0');
    await upload(browser, archiveId, streamId, [first]);
    await stop(archiveId);
    const stoppedAt = Date.now();
    expect((await finish(browser, archiveId, streamId, { chunks: 2 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, FINISH_DEADLINE_MS / 3));
    expect((await getArchive(archiveId)).status).toBe('stopped');

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${streamId}.webm`]).toEqual(first);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(FINISH_DEADLINE_MS - 100);
  });

  it('assembles at once after a finish without a count, as older clients send it', async () => {
    const { browser, streamId, archiveId } = await recording();
    const chunks = [labelledChunk('c0')];
    await upload(browser, archiveId, streamId, chunks);
    await stop(archiveId);
    const stoppedAt = Date.now();
    expect((await finish(browser, archiveId, streamId, {})).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${streamId}.webm`]).toEqual(Buffer.concat(chunks));
    expect(Date.now() - stoppedAt).toBeLessThan(FINISH_DEADLINE_MS);
  });

  it('refuses a count that is not a whole number of chunks within bounds', async () => {
    const { browser, streamId, archiveId } = await recording();
    for (const chunks of [-1, 1.5, '2', null, 1_000_000_001, Number.MAX_SAFE_INTEGER]) {
      const answer = await finish(browser, archiveId, streamId, { chunks });
      expect({ chunks, status: answer.status }).toEqual({ chunks, status: 400 });
    }
    // None of them finished the upload.
    expect((await putChunk(emu, browser, archiveId, streamId, 0, labelledChunk('c0'))).body).toEqual({
      nextSeq: 1,
      finished: false,
    });
  });

  it('refuses a count below the chunks stored, and a chunk past the count', async () => {
    const { browser, streamId, archiveId } = await recording();
    await upload(browser, archiveId, streamId, [labelledChunk('c0'), labelledChunk('c1')]);
    expect(await finish(browser, archiveId, streamId, { chunks: 1 })).toMatchObject({
      status: 409,
      body: { nextSeq: 2 },
    });
    expect((await finish(browser, archiveId, streamId, { chunks: 2 })).status).toBe(200);
    expect((await putChunk(emu, browser, archiveId, streamId, 2, labelledChunk('c2'))).status).toBe(409);
  });
});

describe('a finish with no chunks', () => {
  it('lets an audio-only archive of a video-only stream and a recorded one be assembled at once', async () => {
    const { sessionId, browser, streamId, archiveId } = await recording({ hasVideo: false });
    const silent = await emu.join(sessionId, { data: 'camera only' });
    const silentStream = await silent.publish();
    // Published before the stop, so the archive waits for it; its publisher had no track to record.
    await stop(archiveId);
    const stoppedAt = Date.now();
    const chunks = [labelledChunk('a0'), labelledChunk('a1')];
    await upload(browser, archiveId, streamId, chunks);
    expect((await finish(browser, archiveId, streamId, { chunks: 2 })).status).toBe(200);
    expect((await finish(silent, archiveId, silentStream, { chunks: 0 })).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(Date.now() - stoppedAt).toBeLessThan(FINISH_DEADLINE_MS);
    expect(files[`${streamId}.webm`]).toEqual(Buffer.concat(chunks));
    expect(files[`${silentStream}.webm`]).toBeUndefined();
    const manifest = JSON.parse(files[`${archiveId}.json`]!.toString()) as {
      files: Array<{ streamId: string }>;
      failedStreams?: unknown;
    };
    expect(manifest.files.map((f) => f.streamId)).toEqual([streamId]);
    expect(manifest.failedStreams).toBeUndefined();
  });

  it('fails the archive at once, reason "failure", when no stream had anything to record', async () => {
    const { browser, streamId, archiveId } = await recording({ hasVideo: false });
    await stop(archiveId);
    const stoppedAt = Date.now();
    expect((await finish(browser, archiveId, streamId, { chunks: 0 })).status).toBe(200);

    expect(await waitForEnd(archiveId)).toMatchObject({ status: 'failed', reason: 'failure' });
    expect(Date.now() - stoppedAt).toBeLessThan(FINISH_DEADLINE_MS);
  });
});

describe('the stored upload record', () => {
  const stored = (upload: Record<string, unknown>) =>
    archiveRecordSchema.safeParse({
      ...stoppedArchive(),
      uploads: { s1: { ...uploadRecord('s1'), ...upload } },
    });

  it('keeps the count a finish gave, and still reads records saved before finishes had one', () => {
    expect(stored({ chunksSent: 2 }).success).toBe(true);
    expect(stored({}).success).toBe(true);
  });

  it('refuses a stored count that is not a whole number of chunks within bounds', () => {
    for (const chunksSent of [-1, 1.5, '2', 1_000_000_001]) {
      expect({ chunksSent, success: stored({ chunksSent }).success }).toEqual({ chunksSent, success: false });
    }
  });
});
