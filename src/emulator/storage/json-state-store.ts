/**
 * The state store of dataDir/emulator.json: records held in memory and saved as one snapshot, written
 * atomically, so that a crash at any moment leaves the last complete snapshot on disk.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file';
import type { ArchiveRecord, SessionRecord } from './records';
import type { StateStore } from './state-store';

interface StateFile {
  version: 1;
  sessions: Record<string, SessionRecord>;
  archives: Record<string, ArchiveRecord>;
}

const STATE_FILE = 'emulator.json';

async function readStateFile(filePath: string): Promise<StateFile | null> {
  const text = await fs.readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new StorageError({ message: `Could not read ${filePath}`, path: filePath, cause: error });
  });
  if (text === null) return null;
  try {
    return JSON.parse(text) as StateFile;
  } catch (cause) {
    throw new StorageError({
      message: `${filePath} is not valid JSON; move it away to start afresh`,
      path: filePath,
      cause,
    });
  }
}

export async function openJsonStateStore(dataDir: string): Promise<StateStore> {
  const filePath = path.join(dataDir, STATE_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  await removeStaleTempFiles(dataDir);
  const parsed = await readStateFile(filePath);
  const sessions = new Map(Object.entries(parsed?.sessions ?? {}));
  const archives = new Map(Object.entries(parsed?.archives ?? {}));

  // Saves are serialised and coalesced: while one write runs, later callers share the next one.
  let writing: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const writeSnapshot = async (): Promise<void> => {
    const snapshot: StateFile = {
      version: 1,
      sessions: Object.fromEntries(sessions),
      archives: Object.fromEntries(archives),
    };
    await writeFileAtomic(filePath, JSON.stringify(snapshot));
  };

  const save = (): Promise<void> => {
    if (queued) return queued;
    if (!writing) {
      writing = writeSnapshot().finally(() => {
        writing = null;
      });
      return writing;
    }
    const previous = writing;
    queued = previous
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
      sessions.set(session.sessionId, structuredClone(session));
    },
    getArchive: (archiveId) => copyOf(archives.get(archiveId)),
    listArchives({ sessionId } = {}) {
      const matching = [...archives.values()].filter(
        (a) => sessionId === undefined || a.sessionId === sessionId,
      );
      return matching.map((a) => structuredClone(a));
    },
    putArchive(archive) {
      archives.set(archive.id, structuredClone(archive));
    },
    save,
  };
}
