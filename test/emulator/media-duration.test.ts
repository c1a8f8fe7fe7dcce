/** Downloaded recordings carry a Duration, and the archive's size and sha256sum describe the bytes served. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { FakeBrowser } from './support/fake-browser';
import { archivePath, createSession, rest } from './support/platform-client';
import { useSharedEmulator } from './support/shared-emulator';
import { finishUpload, putChunk } from './support/uploads';
import { readInfoDuration } from './support/webm';

/** A real MediaRecorder file and the chunks its recorder produced (fixtures/README.md). */
const RECORDING = readFileSync(path.join(__dirname, 'fixtures', 'mediarecorder-vp8-opus.webm'));
const CHUNK_SIZES = [2195, 2812, 3608, 419];
const LAST_BLOCK_MS = 1572;
const DURATION_ELEMENT_BYTES = 11;

const emu = useSharedEmulator({ limits: { finishDeadlineMs: 800, emptySessionGraceMs: 200 } });

type ArchiveBody = { id: string; status: string; url: string | null; size: number; sha256sum: string };

const join = (sessionId: string): Promise<FakeBrowser> => emu.join(sessionId, { role: 'publisher' });

async function upload(browser: FakeBrowser, archiveId: string, streamId: string): Promise<void> {
  let at = 0;
  for (const [seq, size] of CHUNK_SIZES.entries()) {
    const chunk = RECORDING.subarray(at, at + size);
    expect((await putChunk(emu, browser, archiveId, streamId, seq, chunk)).status).toBe(200);
    at += size;
  }
  const finished = await finishUpload(emu, browser, archiveId, streamId, {
    startTimeOffset: 0,
    stopTimeOffset: 1700,
  });
  expect(finished.status).toBe(200);
}

async function recordAndStop(outputMode: 'individual' | 'composed'): Promise<{
  archive: ArchiveBody;
  bytes: Buffer;
  streamId: string;
}> {
  const sessionId = await createSession(emu);
  const browser = await join(sessionId);
  const publishedStreamId = await browser.publish();
  const started = await rest(emu, 'POST', archivePath(emu), { body: { sessionId, outputMode } });
  const archiveId = (started.body as { id: string }).id;
  const streamId = outputMode === 'composed' ? 'composed' : publishedStreamId;
  if (outputMode === 'composed') await browser.waitFor((m) => m.type === 'recorderElected');
  await upload(browser, archiveId, streamId);
  await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`));
  const deadline = Date.now() + 4000;
  for (;;) {
    const archive = (await rest(emu, 'GET', archivePath(emu, `/${archiveId}`))).body as ArchiveBody;
    if (archive.status === 'available' && archive.url) {
      const bytes = Buffer.from(await (await fetch(archive.url)).arrayBuffer());
      return { archive, bytes, streamId };
    }
    if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('base64');

test("a single recorder's composed WebM has a Duration, and size and sha256sum match the download", async () => {
  expect(readInfoDuration(RECORDING)).toBeNull();
  const { archive, bytes } = await recordAndStop('composed');
  expect(readInfoDuration(bytes)).toBe(LAST_BLOCK_MS);
  expect(bytes.length).toBe(RECORDING.length + DURATION_ELEMENT_BYTES);
  expect(archive.size).toBe(bytes.length);
  expect(archive.sha256sum).toBe(sha256(bytes));
});

test("an individual archive's stream files have a Duration, and the manifest gives their real size", async () => {
  const { archive, bytes, streamId } = await recordAndStop('individual');
  expect(archive.size).toBe(bytes.length);
  expect(archive.sha256sum).toBe(sha256(bytes));
  const files = unzipSync(bytes);
  const webm = files[`${streamId}.webm`];
  expect(webm).toBeDefined();
  expect(readInfoDuration(webm as Uint8Array)).toBe(LAST_BLOCK_MS);
  const manifest = JSON.parse(Buffer.from(files[`${archive.id}.json`] as Uint8Array).toString('utf8')) as {
    files: Array<{ filename: string; size: number }>;
  };
  expect(manifest.files).toEqual([
    expect.objectContaining({ filename: `${streamId}.webm`, size: (webm as Uint8Array).length }),
  ]);
  expect((webm as Uint8Array).length).toBe(RECORDING.length + DURATION_ELEMENT_BYTES);
});
