/**
 * The move from DATA_DIR/emulator.json, the single state file of earlier versions, to records/: written into a
 * temp folder renamed to records/ (which so appears whole or not at all), then emulator.json renamed out of
 * the way, never removed. A crash at any step is finished by the next start.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { StorageError } from '../errors';
import { syncDirectory, writeFileAtomic } from './atomic-file';
import { LEGACY_STATE_FILE, type LegacyState } from './legacy-state-file';
import {
  FILE_CONCURRENCY,
  RECORDS_DIR,
  archiveRecordFileName,
  forEachLimited,
  serialize,
  sessionRecordFileName,
} from './record-files';

/** What emulator.json is renamed to once its records are in records/: kept, never read again. */
export const MIGRATED_STATE_FILE = `${LEGACY_STATE_FILE}.migrated`;

async function exists(filePath: string): Promise<boolean> {
  return fs.access(filePath).then(
    () => true,
    () => false,
  );
}

/** Writes the records of emulator.json into records/, which must hold no record yet. */
export async function migrateLegacyState(dataDir: string, legacy: LegacyState): Promise<void> {
  const recordsDir = path.join(dataDir, RECORDS_DIR);
  const tempDir = path.join(dataDir, `.${RECORDS_DIR}.${randomBytes(6).toString('hex')}.tmp`);
  const files = [
    ...legacy.sessions.map((s, i) => ({
      file: `sessions/${sessionRecordFileName(s)}`,
      text: serialize(i, s),
    })),
    ...legacy.archives.map((a, i) => ({
      file: `archives/${archiveRecordFileName(a)}`,
      text: serialize(i, a),
    })),
  ];
  await fs.mkdir(path.join(tempDir, 'sessions'), { recursive: true });
  await fs.mkdir(path.join(tempDir, 'archives'), { recursive: true });
  await forEachLimited(files, FILE_CONCURRENCY, ({ file, text }) =>
    writeFileAtomic(path.join(tempDir, file), text, { syncDirectory: false }),
  );
  await syncDirectory(path.join(tempDir, 'sessions'));
  await syncDirectory(path.join(tempDir, 'archives'));
  // An empty records/ (left by a start before emulator.json was put back) gives way. rmdir removes only empty
  // folders: anything else in it stops the move, and nothing is deleted.
  for (const folder of [path.join(recordsDir, 'sessions'), path.join(recordsDir, 'archives'), recordsDir]) {
    await fs.rmdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      throw new StorageError({
        message: `${folder} holds files that are not records`,
        path: folder,
        cause: error,
      });
    });
  }
  await fs.rename(tempDir, recordsDir);
  await syncDirectory(dataDir);
}

/** emulator.json beside a records/ that holds records is not read again: it is renamed, never removed. */
export async function retireLegacyFile(dataDir: string, logger: Logger): Promise<void> {
  const legacyPath = path.join(dataDir, LEGACY_STATE_FILE);
  const migratedPath = path.join(dataDir, MIGRATED_STATE_FILE);
  if (!(await exists(legacyPath))) return;
  if (await exists(migratedPath)) {
    logger.warn(
      { file: legacyPath, records: path.join(dataDir, RECORDS_DIR) },
      `${LEGACY_STATE_FILE} was not read: the state is kept in ${RECORDS_DIR}/ and ${MIGRATED_STATE_FILE} exists already`,
    );
    return;
  }
  await fs.rename(legacyPath, migratedPath);
  await syncDirectory(dataDir);
  logger.info(
    { from: legacyPath, to: migratedPath },
    `the state is kept in ${RECORDS_DIR}/; ${LEGACY_STATE_FILE} is kept as ${MIGRATED_STATE_FILE} and no longer read`,
  );
}
