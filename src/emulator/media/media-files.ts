/**
 * Media on disk: ordered upload chunks per archive stream (media/<archiveId>/<uploadKey>/), the assembled
 * archive files (archives/, written by archive-file-writer.ts), and at start the sorting of what a crash or a
 * lost state left behind: removed only when the state says it is no longer needed, otherwise moved to
 * orphans/. Every path is built from IDs that pass the rules of record-ids.ts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';
import { isTempName, removeStaleTempFiles, syncDirectory, writeFileAtomic } from '../storage/atomic-file';
import { archiveIdOfFileName, isSafeId, isUploadKey } from '../storage/record-ids';
import type { ArchiveFile, ArchiveRecord } from '../storage/records';
import { createArchiveFileWriter, type Assembly, type OpenFile } from './archive-file-writer';

export { SAFE_ID_PATTERN } from '../storage/record-ids';
export type {
  AssembledFile,
  Assembly,
  ComposedManifest,
  FailedUpload,
  IndividualManifest,
  OpenFile,
} from './archive-file-writer';

/** Something found under archives/ or media/ at start. */
export type StoredItem = { kind: 'archive file'; name: string } | { kind: 'chunks'; archiveId: string };

/** What the start does with it: the state needs it, the state says it is no longer needed, or the state does not know it. */
export type StoredItemFate = 'keep' | 'remove' | 'orphan';

export interface SortedItems {
  /** paths under the data folder, removed because the state no longer needs them */
  removed: string[];
  /** paths under the data folder before the move; the folder they went to is `orphansDir` */
  orphaned: string[];
  orphansDir: string | null;
}

export interface MediaFiles {
  /** removes the temp files a crash left in archives/ and in the chunk folders */
  removeStaleFiles(): Promise<void>;
  writeChunk(archiveId: string, uploadKey: string, seq: number, body: Uint8Array): Promise<void>;
  /** writes the archive file from the uploads; uploads that cannot be read are left out and listed */
  assemble(archive: ArchiveRecord): Promise<Assembly>;
  archiveFilePath(file: ArchiveFile): string;
  /** drops the upload chunks once the archive file holds them */
  removeChunks(archiveId: string): Promise<void>;
  /** moves the chunks of these uploads to orphans/<time>/ (returned): they could not go into the archive file */
  moveUploadsToOrphans(archiveId: string, uploadKeys: readonly string[], at: number): Promise<string>;
  removeArchive(archive: ArchiveRecord): Promise<void>;
  /** at start: keeps, removes or moves to orphans/ each archive file and chunk folder, as `fateOf` says */
  sortStoredItems(fateOf: (item: StoredItem) => StoredItemFate, at: number): Promise<SortedItems>;
}

function chunkName(seq: number): string {
  return `${String(seq).padStart(8, '0')}.chunk`;
}

/** A path segment from an ID: refused unless it passes the same rule as a request's ID. */
function requireSegment(value: string, isValid: (v: string) => boolean, what: string): string {
  if (!isValid(value)) {
    throw new StorageError({ message: `Refused to build a path from an invalid ${what}`, path: value });
  }
  return value;
}

/** orphans/<time>: one folder per start that found something, named so that it sorts by time. */
function orphansFolderName(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

export function createMediaFiles(dataDir: string, options: { openFile?: OpenFile } = {}): MediaFiles {
  const mediaDir = path.join(dataDir, 'media');
  const archivesDir = path.join(dataDir, 'archives');
  const orphansRoot = path.join(dataDir, 'orphans');
  const archiveChunksDir = (archiveId: string): string =>
    path.join(mediaDir, requireSegment(archiveId, isSafeId, 'archive ID'));
  const uploadDir = (archiveId: string, uploadKey: string): string =>
    path.join(archiveChunksDir(archiveId), requireSegment(uploadKey, isUploadKey, 'upload key'));
  const chunkPath = (archiveId: string, uploadKey: string, seq: number): string =>
    path.join(uploadDir(archiveId, uploadKey), chunkName(seq));
  const archiveFileAt = (fileName: string): string =>
    path.join(
      archivesDir,
      requireSegment(fileName, (n) => archiveIdOfFileName(n) !== null, 'archive file name'),
    );

  const writer = createArchiveFileWriter({
    archivesDir,
    readChunk: (archiveId, uploadKey, seq) => fs.readFile(chunkPath(archiveId, uploadKey, seq)),
    openFile: options.openFile ?? ((filePath, flags, mode) => fs.open(filePath, flags, mode)),
  });

  /**
   * Moves `from` to the same place under `orphansDir` (a rename: on one disk, nothing is copied), then syncs
   * both folders so that the move survives a power loss.
   */
  const moveTo = async (orphansDir: string, from: string): Promise<void> => {
    const to = path.join(orphansDir, path.relative(dataDir, from));
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(from, to);
    await syncDirectory(path.dirname(to));
    await syncDirectory(path.dirname(from));
  };

  return {
    async writeChunk(archiveId, uploadKey, seq, body) {
      await writeFileAtomic(chunkPath(archiveId, uploadKey, seq), body);
    },
    assemble: (archive) => writer.write(archive),
    archiveFilePath: (file) => archiveFileAt(file.fileName),

    async removeStaleFiles() {
      await removeStaleTempFiles(archivesDir);
      // Chunk folders: media/<archiveId>/<uploadKey>/, where a chunk's temp file lies beside it.
      const archiveIds = await fs.readdir(mediaDir).catch(() => [] as string[]);
      for (const archiveId of archiveIds.filter((n) => !isTempName(n))) {
        const uploadKeys = await fs.readdir(path.join(mediaDir, archiveId)).catch(() => [] as string[]);
        for (const key of uploadKeys) await removeStaleTempFiles(path.join(mediaDir, archiveId, key));
      }
    },

    async removeChunks(archiveId) {
      await fs.rm(archiveChunksDir(archiveId), { recursive: true, force: true });
    },

    async moveUploadsToOrphans(archiveId, uploadKeys, at) {
      const orphansDir = path.join(orphansRoot, orphansFolderName(at));
      for (const uploadKey of uploadKeys) {
        const from = uploadDir(archiveId, uploadKey);
        // A folder moved by an attempt that a failure cut short is there already.
        if (
          await fs.stat(from).then(
            () => true,
            () => false,
          )
        )
          await moveTo(orphansDir, from);
      }
      return orphansDir;
    },

    async removeArchive(archive) {
      await fs.rm(archiveChunksDir(archive.id), { recursive: true, force: true });
      if (archive.file) await fs.rm(archiveFileAt(archive.file.fileName), { force: true });
    },

    async sortStoredItems(fateOf, at) {
      const orphansDir = path.join(orphansRoot, orphansFolderName(at));
      const sorted: SortedItems = { removed: [], orphaned: [], orphansDir: null };
      const handle = async (item: StoredItem, itemPath: string): Promise<void> => {
        const fate = fateOf(item);
        if (fate === 'remove') {
          await fs.rm(itemPath, { recursive: true, force: true });
          sorted.removed.push(path.relative(dataDir, itemPath));
        } else if (fate === 'orphan') {
          await moveTo(orphansDir, itemPath);
          sorted.orphaned.push(path.relative(dataDir, itemPath));
          sorted.orphansDir = orphansDir;
        }
      };
      // Names come from the folder listings, so each is one path segment whatever it holds.
      const fileNames = await fs.readdir(archivesDir).catch(() => [] as string[]);
      for (const name of fileNames.filter((n) => !isTempName(n))) {
        await handle({ kind: 'archive file', name }, path.join(archivesDir, name));
      }
      const chunkFolders = await fs.readdir(mediaDir).catch(() => [] as string[]);
      for (const archiveId of chunkFolders.filter((n) => !isTempName(n))) {
        await handle({ kind: 'chunks', archiveId }, path.join(mediaDir, archiveId));
      }
      return sorted;
    },
  };
}
