/**
 * The state store of DATA_DIR/records/ (record-files.ts): one small file per session and per archive, each
 * replaced atomically. A save writes only the records put since the last one, so its cost does not grow with
 * history, and a crash at any moment leaves each record as a save wrote it. Every file is checked at start,
 * before anything is changed; an emulator.json from an earlier version is moved over once (state-migration.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { StorageError } from '../errors';
import { removeStaleTempFiles, syncDirectory, writeFileAtomic } from './atomic-file';
import { LEGACY_STATE_FILE, readLegacyStateFile } from './legacy-state-file';
import {
  FILE_CONCURRENCY,
  RECORDS_DIR,
  forEachLimited,
  readRecords,
  serialize,
  type LoadedRecords,
  type RecordFolder,
} from './record-files';
import { SESSION_ID_PATTERN, isSafeId } from './record-ids';
import type { StateStore } from './state-store';
import { migrateLegacyState, retireLegacyFile } from './state-migration';

/** Loads the state, moving an emulator.json over first; every file is checked before anything is changed. */
async function loadState(dataDir: string, logger: Logger): Promise<LoadedRecords> {
  const recordsDir = path.join(dataDir, RECORDS_DIR);
  await fs.mkdir(dataDir, { recursive: true });
  let loaded = await readRecords(recordsDir);
  const isEmpty = loaded.sessions.length === 0 && loaded.archives.length === 0;
  const legacy = isEmpty ? await readLegacyStateFile(path.join(dataDir, LEGACY_STATE_FILE)) : null;
  await removeStaleTempFiles(dataDir);
  await Promise.all(loaded.tempPaths.map((p) => fs.rm(p, { force: true })));
  if (legacy) {
    await migrateLegacyState(dataDir, legacy);
    logger.info(
      { sessions: legacy.sessions.length, archives: legacy.archives.length },
      `moved the state from ${LEGACY_STATE_FILE} to ${RECORDS_DIR}/`,
    );
    loaded = await readRecords(recordsDir);
  }
  await retireLegacyFile(dataDir, logger);
  // The folders are made by the first save: a start that stops after this leaves an empty data folder empty.
  return loaded;
}

export async function openRecordFilesStore(
  dataDir: string,
  options: { logger: Logger },
): Promise<StateStore> {
  const recordsDir = path.join(dataDir, RECORDS_DIR);
  const loaded = await loadState(dataDir, options.logger);
  const sessions = new Map(loaded.sessions.map(({ record }) => [record.sessionId, record]));
  // A Map keeps the order keys were first set: archives list in the order they were first put.
  const archives = new Map(loaded.archives.map(({ record }) => [record.id, record]));
  const orders = new Map<string, number>([
    ...loaded.sessions.map(({ order, record }) => [`sessions/${record.sessionId}`, order] as const),
    ...loaded.archives.map(({ order, record }) => [`archives/${record.id}`, order] as const),
  ]);
  let nextOrder = 0;
  for (const order of orders.values()) nextOrder = Math.max(nextOrder, order + 1);

  /** Keys (`sessions/<id>`, `archives/<id>`, also the file's path under records/) put since the last write. */
  const dirty = new Set<string>();
  const markDirty = (folder: RecordFolder, id: string): void => {
    const key = `${folder}/${id}`;
    if (!orders.has(key)) orders.set(key, nextOrder++);
    dirty.add(key);
  };

  const textOf = (key: string): string => {
    const [folder, id] = key.split('/') as [RecordFolder, string];
    const record = folder === 'sessions' ? sessions.get(id) : archives.get(id);
    return serialize(orders.get(key) ?? 0, record);
  };

  const writeDirty = async (): Promise<void> => {
    const batch = [...dirty];
    dirty.clear();
    if (batch.length === 0) return;
    try {
      await forEachLimited(batch, FILE_CONCURRENCY, (key) =>
        writeFileAtomic(path.join(recordsDir, `${key}.json`), textOf(key), { syncDirectory: false }),
      );
      const folders = new Set(batch.map((key) => key.slice(0, key.indexOf('/'))));
      await Promise.all([...folders].map((folder) => syncDirectory(path.join(recordsDir, folder))));
    } catch (error) {
      // Not on disk: written again by the next save.
      for (const key of batch) dirty.add(key);
      throw error;
    }
  };

  // Saves are serialised and coalesced: while one write runs, later callers share the next one.
  let writing: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const save = (): Promise<void> => {
    if (queued) return queued;
    if (!writing) {
      writing = writeDirty().finally(() => {
        writing = null;
      });
      return writing;
    }
    queued = writing
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return save();
      });
    return queued;
  };

  const copyOf = <T>(record: T | undefined): T | undefined =>
    record === undefined ? undefined : structuredClone(record);

  return {
    getSession: (sessionId) => copyOf(sessions.get(sessionId)),
    putSession(session) {
      // The ID becomes a file name: the same rule as for a stored one.
      if (!SESSION_ID_PATTERN.test(session.sessionId)) {
        throw new StorageError({ message: 'A session ID cannot name a record file', path: recordsDir });
      }
      sessions.set(session.sessionId, structuredClone(session));
      markDirty('sessions', session.sessionId);
    },
    getArchive: (archiveId) => copyOf(archives.get(archiveId)),
    listArchives({ sessionId } = {}) {
      const matching = [...archives.values()].filter(
        (a) => sessionId === undefined || a.sessionId === sessionId,
      );
      return matching.map((a) => structuredClone(a));
    },
    putArchive(archive) {
      if (!isSafeId(archive.id)) {
        throw new StorageError({ message: 'An archive ID cannot name a record file', path: recordsDir });
      }
      archives.set(archive.id, structuredClone(archive));
      markDirty('archives', archive.id);
    },
    save,
  };
}
