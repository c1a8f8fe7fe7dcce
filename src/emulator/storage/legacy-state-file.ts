/**
 * DATA_DIR/emulator.json, the single state file earlier versions kept: read once, checked in full, and moved
 * into per-record files by the record store. A file that does not pass stops the start and is left as it is.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { StateFileError, StorageError } from '../errors';
import type { ArchiveRecord, SessionRecord } from './records';
import { archiveRecordSchema, describeRecordIssues, fieldOf, sessionRecordSchema } from './record-schema';

export const LEGACY_STATE_FILE = 'emulator.json';

export interface LegacyState {
  /** in the file's order, which is the order they were created */
  sessions: SessionRecord[];
  archives: ArchiveRecord[];
}

const legacyStateSchema = z
  .object({
    version: z.literal(1),
    sessions: z.record(z.string(), sessionRecordSchema),
    archives: z.record(z.string(), archiveRecordSchema),
  })
  .superRefine((state, context) => {
    for (const [key, session] of Object.entries(state.sessions)) {
      if (key !== session.sessionId) {
        context.addIssue({ code: 'custom', path: ['sessions', key], message: 'differs from its sessionId' });
      }
    }
    for (const [key, archive] of Object.entries(state.archives)) {
      if (key !== archive.id) {
        context.addIssue({ code: 'custom', path: ['archives', key], message: 'differs from its id' });
      }
    }
  });

/** What every refusal ends with: the data is intact, and what to do about the file. */
export const UNCHANGED_ADVICE =
  'The emulator did not start and changed nothing in the data folder: correct the file (or restore it from a backup) and start again.';

/** The state of `filePath`, or null when there is none; a StateFileError when it is not a valid state. */
export async function readLegacyStateFile(filePath: string): Promise<LegacyState | null> {
  const text = await fs.readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new StorageError({ message: `Could not read ${filePath}`, path: filePath, cause: error });
  });
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StateFileError({
      message: `${filePath} is not valid JSON (${(cause as Error).message}). ${UNCHANGED_ADVICE}`,
      path: filePath,
      field: null,
      cause,
    });
  }
  const parsed = legacyStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError({
      message: `${filePath} is not a valid emulator state: ${describeRecordIssues(parsed.error)}. ${UNCHANGED_ADVICE}`,
      path: filePath,
      field: fieldOf(parsed.error),
    });
  }
  return {
    sessions: Object.values(parsed.data.sessions),
    archives: Object.values(parsed.data.archives),
  };
}
