/**
 * Media on disk: ordered upload chunks per archive stream, and the assembled archive files: a zip for individual
 * archives and for composed archives whose recorder changed, a webm for a composed archive with one recorder.
 * Each WebM is written with the Duration its recorder could not know (webm-duration.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';
import type { ArchiveFile, ArchiveRecord, UploadRecord } from '../storage/records';
import { removeStaleTempFiles, syncDirectory, writeFileAtomic } from '../storage/atomic-file';
import { StorageError } from '../errors';
import { addDurationToHead, WebmDurationScanner } from './webm-duration';

/** Characters allowed in archive, stream and connection IDs that become path segments. */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** How far into a recording its Segment Info is looked for; MediaRecorder's ends within the first 100 bytes. */
const MAX_WEBM_HEAD_BYTES = 64 * 1024;

export interface AssembledFile extends ArchiveFile {
  size: number;
  sha256sum: string;
}

interface ManifestHeader {
  id: string;
  name: string | null;
  sessionId: string;
  createdAt: number;
}

interface ManifestFile {
  filename: string;
  startTimeOffset: number;
  stopTimeOffset: number;
  size: number;
}

/** `<archiveId>.json` in an individual archive's zip: one file per stream. */
export interface IndividualManifest extends ManifestHeader {
  files: Array<ManifestFile & { streamId: string; videoType: string; connectionData: string }>;
}

/**
 * `<archiveId>.json` in a composed archive's zip, written when the recorder changed during the recording: one
 * file per recorder segment, in order, and who recorded from when to when (offsets in ms from `createdAt`).
 */
export interface ComposedManifest extends ManifestHeader {
  outputMode: 'composed';
  files: ManifestFile[];
  recorders: Array<{
    connectionId: string;
    startTimeOffset: number;
    stopTimeOffset: number;
    note: string | null;
  }>;
}

type ArchiveManifest = IndividualManifest | ComposedManifest;

function manifestHeader(archive: ArchiveRecord): ManifestHeader {
  return { id: archive.id, name: archive.name, sessionId: archive.sessionId, createdAt: archive.createdAt };
}

/** When the recording ended: its stop, or its last change for one that never stopped. */
function endOf(archive: ArchiveRecord): number {
  return archive.stoppedAt ?? archive.updatedAt;
}

/** An upload's offsets as its client reported them, or the whole archive when it never finished. */
function offsetsOf(
  archive: ArchiveRecord,
  upload: UploadRecord,
): { startTimeOffset: number; stopTimeOffset: number } {
  return {
    startTimeOffset: upload.startTimeOffset ?? 0,
    stopTimeOffset: upload.stopTimeOffset ?? Math.max(0, endOf(archive) - archive.createdAt),
  };
}

export interface MediaFiles {
  /** removes half-written archive files a crash left behind */
  removeStaleFiles(): Promise<void>;
  writeChunk(archiveId: string, uploadKey: string, seq: number, body: Uint8Array): Promise<void>;
  assemble(archive: ArchiveRecord): Promise<AssembledFile | null>;
  archiveFilePath(file: ArchiveFile): string;
  /** drops the upload chunks once the archive file holds them */
  removeChunks(archiveId: string): Promise<void>;
  removeArchive(archive: ArchiveRecord): Promise<void>;
  /** removes archive files and chunk folders that no archive needs any more (left by a crash) */
  removeUnreferenced(keep: {
    fileNames: ReadonlySet<string>;
    chunkArchiveIds: ReadonlySet<string>;
  }): Promise<void>;
}

function chunkName(seq: number): string {
  return `${String(seq).padStart(8, '0')}.chunk`;
}

/** Writes to `target` through a temp file, hashing on the way; the temp file is renamed only when complete. */
class HashedFileWriter {
  private readonly hash = createHash('sha256');
  private size = 0;
  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly tempPath: string,
    private readonly target: string,
  ) {}

  static async open(target: string): Promise<HashedFileWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tempPath = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    return new HashedFileWriter(await fs.open(tempPath, 'w', 0o600), tempPath, target);
  }

  async write(data: Uint8Array): Promise<void> {
    this.hash.update(data);
    this.size += data.length;
    await this.handle.write(data);
  }

  async commit(): Promise<{ size: number; sha256sum: string }> {
    await this.handle.sync();
    await this.handle.close();
    await fs.rename(this.tempPath, this.target);
    await syncDirectory(path.dirname(this.target));
    return { size: this.size, sha256sum: this.hash.digest('base64') };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.tempPath, { force: true });
  }
}

export function createMediaFiles(dataDir: string): MediaFiles {
  const mediaDir = path.join(dataDir, 'media');
  const archivesDir = path.join(dataDir, 'archives');
  const uploadDir = (archiveId: string, uploadKey: string): string =>
    path.join(mediaDir, archiveId, uploadKey);

  /** Streams the chunks of one upload, in order, to `sink`. */
  async function pipeUpload(
    archiveId: string,
    uploadKey: string,
    upload: UploadRecord,
    sink: (data: Uint8Array) => Promise<void>,
  ) {
    for (let seq = 0; seq < upload.nextSeq; seq += 1) {
      await sink(await fs.readFile(path.join(uploadDir(archiveId, uploadKey), chunkName(seq))));
    }
  }

  /**
   * Streams one upload's WebM to `sink` with a Duration in its Segment Info: a first pass over the chunks reads
   * the duration from the media, the second writes them with the head rewritten. Bytes that are not such a
   * WebM are written as they came. Returns how many bytes were written.
   */
  async function pipeWebm(
    archiveId: string,
    uploadKey: string,
    upload: UploadRecord,
    sink: (data: Uint8Array) => Promise<void>,
  ): Promise<number> {
    const scanner = new WebmDurationScanner();
    await pipeUpload(archiveId, uploadKey, upload, async (data) => scanner.push(data));
    const duration = scanner.duration;
    let written = 0;
    const write = async (data: Uint8Array): Promise<void> => {
      written += data.length;
      await sink(data);
    };
    // Collects the first chunks until they hold the whole Info element (normally the first chunk does).
    let head: Buffer | null = duration === null ? null : Buffer.alloc(0);
    await pipeUpload(archiveId, uploadKey, upload, async (data) => {
      if (head === null || duration === null) return write(data);
      head = Buffer.concat([head, data]);
      const rewrite = addDurationToHead(head, duration);
      if (rewrite.kind === 'need-more' && head.length < MAX_WEBM_HEAD_BYTES) return;
      const bytes = rewrite.kind === 'rewritten' ? rewrite.bytes : head;
      head = null;
      await write(bytes);
    });
    if (head !== null) await write(head);
    return written;
  }

  /** Writes a zip of uploads (stored, not deflated: media is already compressed) plus a JSON manifest. */
  async function writeZip(
    archive: ArchiveRecord,
    entries: ReadonlyArray<{ filename: string; uploadKey: string; upload: UploadRecord }>,
    manifestFor: (sizes: ReadonlyMap<string, number>) => ArchiveManifest,
  ): Promise<AssembledFile> {
    const fileName = `${archive.id}.zip`;
    const writer = await HashedFileWriter.open(path.join(archivesDir, fileName));
    // fflate calls back synchronously from push(); collect its output and write it before pushing more.
    const pending: Uint8Array[] = [];
    let zipError: Error | null = null;
    const zip = new Zip((error, data) => {
      if (error) zipError = error;
      else pending.push(data);
    });
    const flush = async (): Promise<void> => {
      if (zipError) throw zipError;
      while (pending.length > 0) await writer.write(pending.shift() as Uint8Array);
    };
    const sizes = new Map<string, number>();
    try {
      for (const { filename, uploadKey, upload } of entries) {
        const entry = new ZipPassThrough(filename);
        zip.add(entry);
        const size = await pipeWebm(archive.id, uploadKey, upload, async (data) => {
          entry.push(data);
          await flush();
        });
        sizes.set(filename, size);
        entry.push(new Uint8Array(0), true);
        await flush();
      }
      const manifestEntry = new ZipPassThrough(`${archive.id}.json`);
      zip.add(manifestEntry);
      manifestEntry.push(new TextEncoder().encode(JSON.stringify(manifestFor(sizes), null, 2)), true);
      zip.end();
      await flush();
      return { fileName, contentType: 'application/zip', ...(await writer.commit()) };
    } catch (cause) {
      await writer.abort();
      throw new StorageError({ message: `Could not assemble archive ${archive.id}`, path: fileName, cause });
    }
  }

  async function assembleComposed(archive: ArchiveRecord): Promise<AssembledFile | null> {
    // One recording per recorder, in the order they were elected. A chained WebM does not play through, so
    // after a handover every segment is kept as its own file and the manifest says who recorded when.
    const electionOrder = (connectionId: string): number => {
      const index = archive.recorders.findIndex((r) => r.connectionId === connectionId);
      return index === -1 ? archive.recorders.length : index;
    };
    const segments = Object.entries(archive.uploads)
      .filter(([, u]) => u.bytes > 0)
      .sort(
        ([, a], [, b]) =>
          electionOrder(a.connectionId) - electionOrder(b.connectionId) ||
          (a.startTimeOffset ?? 0) - (b.startTimeOffset ?? 0),
      );
    if (segments.length === 0) return null;
    const only = segments.length === 1 ? segments[0] : undefined;
    if (only) {
      const fileName = `${archive.id}.webm`;
      const writer = await HashedFileWriter.open(path.join(archivesDir, fileName));
      try {
        await pipeWebm(archive.id, only[0], only[1], (d) => writer.write(d));
        return { fileName, contentType: 'video/webm', ...(await writer.commit()) };
      } catch (cause) {
        await writer.abort();
        throw new StorageError({
          message: `Could not assemble archive ${archive.id}`,
          path: fileName,
          cause,
        });
      }
    }
    const entries = segments.map(([uploadKey, upload], index) => ({
      filename: `composed-${index + 1}.webm`,
      uploadKey,
      upload,
    }));
    const manifestFor = (sizes: ReadonlyMap<string, number>): ComposedManifest => ({
      ...manifestHeader(archive),
      outputMode: 'composed',
      files: entries.map(({ filename, upload }) => ({
        filename,
        ...offsetsOf(archive, upload),
        size: sizes.get(filename) ?? upload.bytes,
      })),
      recorders: archive.recorders.map((r) => ({
        connectionId: r.connectionId,
        startTimeOffset: Math.max(0, r.electedAt - archive.createdAt),
        stopTimeOffset: Math.max(0, (r.endedAt ?? endOf(archive)) - archive.createdAt),
        note: r.note,
      })),
    });
    return writeZip(archive, entries, manifestFor);
  }

  async function assembleIndividual(archive: ArchiveRecord): Promise<AssembledFile | null> {
    const uploads = Object.entries(archive.uploads).filter(([, u]) => u.bytes > 0);
    if (uploads.length === 0) return null;
    const entries = uploads.map(([uploadKey, upload]) => ({
      filename: `${upload.streamId}.webm`,
      uploadKey,
      upload,
    }));
    const manifestFor = (sizes: ReadonlyMap<string, number>): IndividualManifest => ({
      ...manifestHeader(archive),
      files: entries.map(({ filename, upload }) => ({
        filename,
        ...offsetsOf(archive, upload),
        size: sizes.get(filename) ?? upload.bytes,
        streamId: upload.streamId,
        videoType: upload.videoType,
        connectionData: upload.connectionData,
      })),
    });
    return writeZip(archive, entries, manifestFor);
  }

  return {
    async writeChunk(archiveId, uploadKey, seq, body) {
      await writeFileAtomic(path.join(uploadDir(archiveId, uploadKey), chunkName(seq)), body);
    },
    async assemble(archive) {
      return archive.outputMode === 'individual' ? assembleIndividual(archive) : assembleComposed(archive);
    },
    archiveFilePath(file) {
      return path.join(archivesDir, file.fileName);
    },
    removeStaleFiles: () => removeStaleTempFiles(archivesDir),
    async removeChunks(archiveId) {
      await fs.rm(path.join(mediaDir, archiveId), { recursive: true, force: true });
    },
    async removeUnreferenced({ fileNames, chunkArchiveIds }) {
      const files = await fs.readdir(archivesDir).catch(() => [] as string[]);
      const chunkDirs = await fs.readdir(mediaDir).catch(() => [] as string[]);
      await Promise.all([
        ...files
          .filter((name) => !fileNames.has(name))
          .map((name) => fs.rm(path.join(archivesDir, name), { force: true })),
        ...chunkDirs
          .filter((id) => !chunkArchiveIds.has(id))
          .map((id) => fs.rm(path.join(mediaDir, id), { recursive: true, force: true })),
      ]);
    },
    async removeArchive(archive) {
      await fs.rm(path.join(mediaDir, archive.id), { recursive: true, force: true });
      if (archive.file) await fs.rm(path.join(archivesDir, archive.file.fileName), { force: true });
    },
  };
}
