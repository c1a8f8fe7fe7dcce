/** Drives an archive from Stop to its end over the REST and upload APIs: chunks, finishes, the wait and the zip. */
import { unzipSync } from 'fflate';
import type { FakeBrowser } from './fake-browser';
import { archivePath, rest } from './platform-client';
import type { SharedEmulator } from './shared-emulator';
import { finishUpload, putChunk } from './uploads';

export type ArchiveBody = { id: string; status: string; reason: string; url: string | null };

/** A chunk whose bytes start with `label|`, so the assembled file shows which chunks it holds and in what order. */
export function labelledChunk(label: string, size = 600): Buffer {
  const bytes = Buffer.alloc(size, label);
  bytes.write(`${label}|`, 0);
  return bytes;
}

/** `finishDeadlineMs` is the emulator's limit: waiting for the end allows that plus a margin. */
export function createArchiveEnding(emu: SharedEmulator, finishDeadlineMs: number) {
  const getArchive = async (id: string): Promise<ArchiveBody> =>
    (await rest(emu, 'GET', archivePath(emu, `/${id}`))).body as ArchiveBody;

  return {
    getArchive,

    async waitForEnd(id: string): Promise<ArchiveBody> {
      const deadline = Date.now() + finishDeadlineMs + 4000;
      for (;;) {
        const archive = await getArchive(id);
        if (archive.status === 'available' || archive.status === 'failed') return archive;
        if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },

    async upload(browser: FakeBrowser, archiveId: string, streamId: string, chunks: Buffer[]): Promise<void> {
      for (const [seq, body] of chunks.entries()) {
        expect((await putChunk(emu, browser, archiveId, streamId, seq, body)).status).toBe(200);
      }
    },

    finish(browser: FakeBrowser, archiveId: string, streamId: string, extra: Record<string, unknown> = {}) {
      return finishUpload(emu, browser, archiveId, streamId, {
        startTimeOffset: 0,
        stopTimeOffset: 300,
        ...extra,
      });
    },

    async stop(archiveId: string): Promise<void> {
      expect((await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`))).status).toBe(200);
    },

    /** The files of the available archive's zip, by name. */
    async zipFiles(archive: ArchiveBody): Promise<Record<string, Buffer>> {
      expect(archive).toMatchObject({ status: 'available', url: expect.any(String) });
      const files = unzipSync(new Uint8Array(await (await fetch(archive.url!)).arrayBuffer()));
      return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, Buffer.from(data)]));
    },
  };
}
