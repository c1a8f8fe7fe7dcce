/**
 * A client that leaves shortly before Stop: whatever it uploaded stays in the archive, and the clients still there
 * are waited for, so the archive fails only when nobody recorded anything at all.
 */
import { putChunk } from './support/uploads';
import { archivePath, createSession, rest } from './support/platform-client';
import { createArchiveEnding, labelledChunk } from './support/archive-ending';
import { useSharedEmulator } from './support/shared-emulator';

const FINISH_DEADLINE_MS = 1500;
const emu = useSharedEmulator({ limits: { finishDeadlineMs: FINISH_DEADLINE_MS } });

const { getArchive, waitForEnd, upload, finish, stop, zipFiles } = createArchiveEnding(
  emu,
  FINISH_DEADLINE_MS,
);

/** Two host tabs publishing into an individual archive. */
async function individualRecording() {
  const sessionId = await createSession(emu);
  const leaving = await emu.join(sessionId, { data: 'leaving' });
  const staying = await emu.join(sessionId, { data: 'staying' });
  const leavingStream = await leaving.publish();
  const stayingStream = await staying.publish();
  const started = await rest(emu, 'POST', archivePath(emu), {
    body: { sessionId, outputMode: 'individual' },
  });
  const archiveId = (started.body as { id: string }).id;
  return { leaving, staying, leavingStream, stayingStream, archiveId };
}

describe('an individual recording whose tab leaves just before Stop', () => {
  it('keeps the other tab’s stream when the leaving tab finished before its first chunk arrived', async () => {
    const { leaving, staying, stayingStream, leavingStream, archiveId } = await individualRecording();
    // The page's last requests race: its finish arrives, its chunk never does.
    expect((await finish(leaving, archiveId, leavingStream)).status).toBe(200);
    await leaving.leave();
    await stop(archiveId);
    // The tab still there learns of the stop, then sends what it recorded.
    const stayingChunks = [labelledChunk('s0'), labelledChunk('s1')];
    await upload(staying, archiveId, stayingStream, stayingChunks);
    expect((await finish(staying, archiveId, stayingStream)).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${stayingStream}.webm`]).toEqual(Buffer.concat(stayingChunks));
  });

  it('keeps both streams when the leaving tab uploaded some chunks and finished', async () => {
    const { leaving, staying, leavingStream, stayingStream, archiveId } = await individualRecording();
    const leavingChunks = [labelledChunk('l0'), labelledChunk('l1')];
    await upload(leaving, archiveId, leavingStream, leavingChunks);
    expect((await finish(leaving, archiveId, leavingStream)).status).toBe(200);
    await leaving.leave();
    await stop(archiveId);
    const stayingChunks = [labelledChunk('s0')];
    await upload(staying, archiveId, stayingStream, stayingChunks);
    expect((await finish(staying, archiveId, stayingStream)).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${leavingStream}.webm`]).toEqual(Buffer.concat(leavingChunks));
    expect(files[`${stayingStream}.webm`]).toEqual(Buffer.concat(stayingChunks));
  });

  it('keeps a chunk of the leaving tab that arrives after its finish', async () => {
    const { leaving, staying, leavingStream, stayingStream, archiveId } = await individualRecording();
    // A closing page sends its last chunks and its finish at once; the finish may overtake a chunk.
    const leavingChunks = [labelledChunk('l0'), labelledChunk('l1')];
    await upload(leaving, archiveId, leavingStream, leavingChunks.slice(0, 1));
    expect((await finish(leaving, archiveId, leavingStream)).status).toBe(200);
    expect(await putChunk(emu, leaving, archiveId, leavingStream, 1, leavingChunks[1]!)).toEqual({
      status: 200,
      body: { nextSeq: 2, finished: true },
    });
    await leaving.leave();
    await stop(archiveId);
    await upload(staying, archiveId, stayingStream, [labelledChunk('s0')]);
    expect((await finish(staying, archiveId, stayingStream)).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${leavingStream}.webm`]).toEqual(Buffer.concat(leavingChunks));
  });

  it('keeps the chunks of a tab that left without finishing, assembled at the deadline', async () => {
    const { leaving, staying, leavingStream, stayingStream, archiveId } = await individualRecording();
    const leavingChunks = [labelledChunk('l0'), labelledChunk('l1')];
    await upload(leaving, archiveId, leavingStream, leavingChunks);
    await leaving.cut();
    await stop(archiveId);
    await upload(staying, archiveId, stayingStream, [labelledChunk('s0')]);
    expect((await finish(staying, archiveId, stayingStream)).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files[`${leavingStream}.webm`]).toEqual(Buffer.concat(leavingChunks));
    expect(Object.keys(files)).toHaveLength(3);
  });

  it('fails with reason "failure" only when neither tab recorded anything, without waiting for the deadline', async () => {
    const { leaving, staying, leavingStream, stayingStream, archiveId } = await individualRecording();
    expect((await finish(leaving, archiveId, leavingStream)).status).toBe(200);
    await leaving.leave();
    await stop(archiveId);
    const stoppedAt = Date.now();
    expect((await getArchive(archiveId)).status).toBe('stopped');
    expect((await finish(staying, archiveId, stayingStream)).status).toBe(200);

    expect(await waitForEnd(archiveId)).toMatchObject({ status: 'failed', reason: 'failure' });
    expect(Date.now() - stoppedAt).toBeLessThan(FINISH_DEADLINE_MS);
  });
});

describe('a composed recording whose recorder leaves just before Stop', () => {
  async function handover(firstChunks: Buffer[]) {
    const sessionId = await createSession(emu);
    const first = await emu.join(sessionId, { data: 'first' });
    const second = await emu.join(sessionId, { data: 'second' });
    await first.publish();
    const started = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
    const archiveId = (started.body as { id: string }).id;
    await first.waitFor((m) => m.type === 'recorderElected');
    await upload(first, archiveId, 'composed', firstChunks);
    expect((await finish(first, archiveId, 'composed', { note: 'recorder left' })).status).toBe(200);
    await first.leave();
    await second.waitFor((m) => m.type === 'recorderElected' && m.recording);
    await stop(archiveId);
    await second.waitFor((m) => m.type === 'recorderElected' && !m.recording);
    return { second, archiveId };
  }

  it('keeps the new recorder’s segment when the one that left had uploaded nothing', async () => {
    const { second, archiveId } = await handover([]);
    const secondChunks = [labelledChunk('s0'), labelledChunk('s1')];
    await upload(second, archiveId, 'composed', secondChunks);
    expect((await finish(second, archiveId, 'composed')).status).toBe(200);

    const archive = await waitForEnd(archiveId);
    expect(archive.status).toBe('available');
    const download = await fetch(archive.url!);
    expect(download.headers.get('content-type')).toBe('video/webm');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(Buffer.concat(secondChunks));
  });

  it('keeps both segments when the one that left had uploaded some', async () => {
    const firstChunks = [labelledChunk('f0'), labelledChunk('f1')];
    const { second, archiveId } = await handover(firstChunks);
    const secondChunks = [labelledChunk('s0')];
    await upload(second, archiveId, 'composed', secondChunks);
    expect((await finish(second, archiveId, 'composed')).status).toBe(200);

    const files = await zipFiles(await waitForEnd(archiveId));
    expect(files['composed-1.webm']).toEqual(Buffer.concat(firstChunks));
    expect(files['composed-2.webm']).toEqual(Buffer.concat(secondChunks));
  });
});
