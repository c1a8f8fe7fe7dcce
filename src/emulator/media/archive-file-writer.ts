/**
 * Writes an archive's file from its uploads: a zip for individual archives and for composed archives whose
 * recorder changed, a webm for a composed archive with one recorder. Each upload is read in full first: one
 * whose chunks are missing, short or unreadable fails alone and is named in the manifest, and the others are
 * written, each WebM with the Duration its recorder could not know (webm-duration.ts). One job, kept whole:
 * the two output forms share the reading, the failure accounting and the atomic write of one file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';
import { StorageError } from '../errors';
import { syncDirectory } from '../storage/atomic-file';
import { archiveFileName } from '../storage/record-ids';
import type { ArchiveFile, ArchiveRecord, UploadRecord } from '../storage/records';
import { errorCodeOf, isTransientFileError } from '../storage/transient-errors';
import { addDurationToHead, WebmDurationScanner } from './webm-duration';

/** How far into a recording its Segment Info is looked for; MediaRecorder's ends within the first 100 bytes. */
const MAX_WEBM_HEAD_BYTES = 64 * 1024;

/** Opens a new file for writing; `fs.open` unless a test puts a failing disk in its place. */
export type OpenFile = (filePath: string, flags: 'w', mode: number) => Promise<fs.FileHandle>;

/** Reads chunk `seq` of an upload. */
export type ReadChunk = (archiveId: string, uploadKey: string, seq: number) => Promise<Uint8Array>;

export interface AssembledFile extends ArchiveFile {
  size: number;
  sha256sum: string;
}

/** An upload left out of the archive file, and why. */
export interface FailedUpload {
  uploadKey: string;
  reason: string;
}

export interface Assembly {
  /** null when no upload could be written (or none had media) */
  file: AssembledFile | null;
  failed: FailedUpload[];
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

interface StreamIdentity {
  streamId: string;
  videoType: string;
  connectionData: string;
}

/**
 * `<archiveId>.json` in an individual archive's zip: one file per stream; `failedStreams`, present only when
 * a stream could not be written, names the streams left out and why.
 */
export interface IndividualManifest extends ManifestHeader {
  files: Array<ManifestFile & StreamIdentity>;
  failedStreams?: Array<StreamIdentity & { reason: string }>;
}

/**
 * `<archiveId>.json` in a composed archive's zip, written when the recorder changed during the recording: one
 * file per recorder segment, in order, and who recorded from when to when (offsets in ms from `createdAt`);
 * `failedSegments`, present only when a segment could not be written, names the files left out and why.
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
  failedSegments?: Array<{ filename: string; connectionId: string; reason: string }>;
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

/** An upload read in full, and what its second pass needs: the WebM's duration and where its head ends. */
interface CheckedUpload {
  uploadKey: string;
  upload: UploadRecord;
  /** null when the bytes are not a WebM whose duration can be read: they are written as they came */
  duration: number | null;
  /** how many chunks hold the head (the Segment Info), which is rewritten with the duration */
  headChunks: number;
}

type UploadCheck = { ok: true; checked: CheckedUpload } | { ok: false; failed: FailedUpload };

/** Writes to `target` through a temp file, hashing on the way; the temp file is renamed only when complete. */
class HashedFileWriter {
  private readonly hash = createHash('sha256');
  private size = 0;
  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly tempPath: string,
    private readonly target: string,
  ) {}

  static async open(target: string, openFile: OpenFile): Promise<HashedFileWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tempPath = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    return new HashedFileWriter(await openFile(tempPath, 'w', 0o600), tempPath, target);
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

/** Why an upload's chunks could not be read, in words for the manifest and the log. */
function describeReadFailure(error: unknown): string {
  const code = errorCodeOf(error);
  if (code === 'ENOENT') return 'a media chunk is missing';
  return code ? `a media chunk could not be read (${code})` : 'the media could not be read';
}

export function createArchiveFileWriter(deps: {
  archivesDir: string;
  readChunk: ReadChunk;
  openFile: OpenFile;
}): { write(archive: ArchiveRecord): Promise<Assembly> } {
  const { archivesDir, readChunk, openFile } = deps;

  /**
   * The first pass: reads every chunk, counts the bytes, finds the WebM's duration and rewrites its head. A
   * failure of the disk (transient) is thrown, so that the whole assembly is tried again; anything else
   * fails this upload only.
   */
  async function checkUpload(
    archiveId: string,
    uploadKey: string,
    upload: UploadRecord,
  ): Promise<UploadCheck> {
    try {
      const scanner = new WebmDurationScanner();
      let bytes = 0;
      let head = Buffer.alloc(0);
      let headChunks = 0;
      let headComplete = false;
      for (let seq = 0; seq < upload.nextSeq; seq += 1) {
        const data = await readChunk(archiveId, uploadKey, seq);
        bytes += data.length;
        scanner.push(data);
        if (!headComplete) {
          head = Buffer.concat([head, data]);
          headChunks += 1;
          // The duration is not known yet; any value tells whether the head holds the whole Info element.
          headComplete =
            head.length >= MAX_WEBM_HEAD_BYTES || addDurationToHead(head, 0).kind !== 'need-more';
        }
      }
      if (bytes !== upload.bytes) {
        return {
          ok: false,
          failed: {
            uploadKey,
            reason: `the media chunks hold ${bytes} of the ${upload.bytes} bytes received`,
          },
        };
      }
      // Rewritten here once, so that a head the rewrite cannot take fails this upload, not the archive.
      const duration = scanner.duration;
      if (duration !== null) addDurationToHead(head, duration);
      return { ok: true, checked: { uploadKey, upload, duration, headChunks } };
    } catch (error) {
      if (isTransientFileError(error)) throw error;
      return { ok: false, failed: { uploadKey, reason: describeReadFailure(error) } };
    }
  }

  async function checkUploads(
    archive: ArchiveRecord,
    uploads: ReadonlyArray<[string, UploadRecord]>,
  ): Promise<{ good: CheckedUpload[]; failed: FailedUpload[] }> {
    const good: CheckedUpload[] = [];
    const failed: FailedUpload[] = [];
    for (const [uploadKey, upload] of uploads) {
      const check = await checkUpload(archive.id, uploadKey, upload);
      if (check.ok) good.push(check.checked);
      else failed.push(check.failed);
    }
    return { good, failed };
  }

  /** The second pass: streams a checked upload to `sink`. Returns how many bytes were written. */
  async function pipeUpload(
    archiveId: string,
    checked: CheckedUpload,
    sink: (data: Uint8Array) => Promise<void>,
  ): Promise<number> {
    let written = 0;
    const write = async (data: Uint8Array): Promise<void> => {
      written += data.length;
      await sink(data);
    };
    const { upload, duration, headChunks } = checked;
    let seq = 0;
    if (duration !== null) {
      const headParts: Uint8Array[] = [];
      for (; seq < headChunks; seq += 1) headParts.push(await readChunk(archiveId, checked.uploadKey, seq));
      const head = Buffer.concat(headParts);
      const rewrite = addDurationToHead(head, duration);
      await write(rewrite.kind === 'rewritten' ? rewrite.bytes : head);
    }
    for (; seq < upload.nextSeq; seq += 1) await write(await readChunk(archiveId, checked.uploadKey, seq));
    return written;
  }

  /** Writes the file through a temp file; a failure leaves no file behind. */
  async function writeFile(
    fileName: string,
    contentType: ArchiveFile['contentType'],
    fill: (writer: HashedFileWriter) => Promise<void>,
  ): Promise<AssembledFile> {
    const writer = await HashedFileWriter.open(path.join(archivesDir, fileName), openFile);
    try {
      await fill(writer);
      return { fileName, contentType, ...(await writer.commit()) };
    } catch (cause) {
      await writer.abort();
      throw new StorageError({
        message: `Could not write the archive file ${fileName}`,
        path: fileName,
        cause,
      });
    }
  }

  /** Writes a zip of uploads (stored, not deflated: media is already compressed) plus a JSON manifest. */
  function writeZip(
    archive: ArchiveRecord,
    entries: ReadonlyArray<{ filename: string; checked: CheckedUpload }>,
    manifestFor: (sizes: ReadonlyMap<string, number>) => ArchiveManifest,
  ): Promise<AssembledFile> {
    return writeFile(archiveFileName(archive.id, 'application/zip'), 'application/zip', async (writer) => {
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
      for (const { filename, checked } of entries) {
        const entry = new ZipPassThrough(filename);
        zip.add(entry);
        const size = await pipeUpload(archive.id, checked, async (data) => {
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
    });
  }

  async function writeComposed(archive: ArchiveRecord): Promise<Assembly> {
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
    const { good, failed } = await checkUploads(archive, segments);
    if (good.length === 0) return { file: null, failed };
    const only = segments.length === 1 ? good[0] : undefined;
    if (only) {
      const file = await writeFile(
        archiveFileName(archive.id, 'video/webm'),
        'video/webm',
        async (writer) => {
          await pipeUpload(archive.id, only, (d) => writer.write(d));
        },
      );
      return { file, failed };
    }
    // Segment files keep their place in the recording, so a failed one leaves a gap in the numbering.
    const filenameOf = (uploadKey: string): string =>
      `composed-${segments.findIndex(([key]) => key === uploadKey) + 1}.webm`;
    const entries = good.map((checked) => ({ filename: filenameOf(checked.uploadKey), checked }));
    const manifestFor = (sizes: ReadonlyMap<string, number>): ComposedManifest => ({
      ...manifestHeader(archive),
      outputMode: 'composed',
      files: entries.map(({ filename, checked }) => ({
        filename,
        ...offsetsOf(archive, checked.upload),
        size: sizes.get(filename) ?? checked.upload.bytes,
      })),
      recorders: archive.recorders.map((r) => ({
        connectionId: r.connectionId,
        startTimeOffset: Math.max(0, r.electedAt - archive.createdAt),
        stopTimeOffset: Math.max(0, (r.endedAt ?? endOf(archive)) - archive.createdAt),
        note: r.note,
      })),
      ...(failed.length > 0
        ? {
            failedSegments: failed.map(({ uploadKey, reason }) => ({
              filename: filenameOf(uploadKey),
              connectionId: archive.uploads[uploadKey]?.connectionId ?? '',
              reason,
            })),
          }
        : {}),
    });
    return { file: await writeZip(archive, entries, manifestFor), failed };
  }

  async function writeIndividual(archive: ArchiveRecord): Promise<Assembly> {
    const uploads = Object.entries(archive.uploads).filter(([, u]) => u.bytes > 0);
    const { good, failed } = await checkUploads(archive, uploads);
    if (good.length === 0) return { file: null, failed };
    const identityOf = (upload: UploadRecord): StreamIdentity => ({
      streamId: upload.streamId,
      videoType: upload.videoType,
      connectionData: upload.connectionData,
    });
    const entries = good.map((checked) => ({ filename: `${checked.upload.streamId}.webm`, checked }));
    const manifestFor = (sizes: ReadonlyMap<string, number>): IndividualManifest => ({
      ...manifestHeader(archive),
      files: entries.map(({ filename, checked }) => ({
        filename,
        ...offsetsOf(archive, checked.upload),
        size: sizes.get(filename) ?? checked.upload.bytes,
        ...identityOf(checked.upload),
      })),
      ...(failed.length > 0
        ? {
            failedStreams: failed.flatMap(({ uploadKey, reason }) => {
              const upload = archive.uploads[uploadKey];
              return upload ? [{ ...identityOf(upload), reason }] : [];
            }),
          }
        : {}),
    });
    return { file: await writeZip(archive, entries, manifestFor), failed };
  }

  return {
    write: (archive) =>
      archive.outputMode === 'individual' ? writeIndividual(archive) : writeComposed(archive),
  };
}
