/**
 * The layout and format of DATA_DIR/records/: `sessions/<sessionId>.json` and `archives/<archiveId>.json`, each
 * holding one record and its place in the order records were first put. Reading checks every file against the
 * records' schema; a file that does not pass stops the start, naming the file and the field.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StateFileError, StorageError } from '../errors';
import { isTempName } from './atomic-file';
import { archiveRecordSchema, sessionRecordSchema } from './record-schema';
import type { ArchiveRecord, SessionRecord } from './records';
import { parseStateFile, UNCHANGED_ADVICE } from './state-file-parse';

export const RECORDS_DIR = 'records';
/** Files read or written at once: enough to overlap their I/O, few enough for any open-file limit. */
export const FILE_CONCURRENCY = 16;

export type RecordFolder = 'sessions' | 'archives';

/** The content of one record file: the record, and its place in the order records were first put. */
export interface RecordFile<T> {
  order: number;
  record: T;
}

export interface LoadedRecords {
  sessions: Array<RecordFile<SessionRecord>>;
  archives: Array<RecordFile<ArchiveRecord>>;
  /** temp files a crash left in the record folders */
  tempPaths: string[];
}

export const sessionRecordFileName = (session: SessionRecord): string => `${session.sessionId}.json`;
export const archiveRecordFileName = (archive: ArchiveRecord): string => `${archive.id}.json`;

export function serialize<T>(order: number, record: T): string {
  return `${JSON.stringify({ order, record } satisfies RecordFile<T>)}\n`;
}

/** Runs `task` on every item, at most `limit` at a time; rejects with the first failure once all settled. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

function recordFileSchema<T>(schema: z.ZodType<T>) {
  return z.object({ order: z.number().int().min(0), record: schema });
}

/** Reads and checks every record file of one folder; a file that is not a valid record stops the start. */
async function readFolder<T>(
  dir: string,
  schema: z.ZodType<T>,
  fileNameOf: (record: T) => string,
  tempPaths: string[],
): Promise<Array<RecordFile<T>>> {
  const names = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new StorageError({ message: `Could not read the folder ${dir}`, path: dir, cause: error });
  });
  const fileSchema = recordFileSchema(schema);
  const records: Array<RecordFile<T>> = [];
  const recordNames = names.filter((name) => {
    if (isTempName(name)) tempPaths.push(path.join(dir, name));
    return name.endsWith('.json') && !name.startsWith('.');
  });
  await forEachLimited(recordNames, FILE_CONCURRENCY, async (name) => {
    const filePath = path.join(dir, name);
    const text = await fs.readFile(filePath, 'utf8').catch((cause: unknown) => {
      throw new StorageError({ message: `Could not read ${filePath}`, path: filePath, cause });
    });
    const parsed = parseStateFile(filePath, text, fileSchema, 'a valid record');
    const expected = fileNameOf(parsed.record as T);
    if (name !== expected) {
      throw new StateFileError({
        message: `${filePath} holds the record of ${expected}: a record file is named after its ID. ${UNCHANGED_ADVICE}`,
        path: filePath,
        field: 'record',
      });
    }
    records.push({ order: parsed.order, record: parsed.record as T });
  });
  return records.sort((a, b) => a.order - b.order);
}

/** Every record under `recordsDir`, in the order first put; none when the folder is not there. */
export async function readRecords(recordsDir: string): Promise<LoadedRecords> {
  const tempPaths: string[] = [];
  const [sessions, archives] = await Promise.all([
    readFolder(path.join(recordsDir, 'sessions'), sessionRecordSchema, sessionRecordFileName, tempPaths),
    readFolder(path.join(recordsDir, 'archives'), archiveRecordSchema, archiveRecordFileName, tempPaths),
  ]);
  return { sessions, archives, tempPaths };
}
