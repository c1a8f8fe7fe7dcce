/**
 * DATA_DIR/emulator.json, the single state file earlier versions kept: read once, checked in full, and moved
 * into per-record files by the record store. A file that does not pass stops the start and is left as it is.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { StorageError } from '../errors';
import type { ArchiveRecord, SessionRecord } from './records';
import { archiveRecordSchema, sessionRecordSchema } from './record-schema';
import { parseStateFile } from './state-file-parse';

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

/** The state of `filePath`, or null when there is none; a StateFileError when it is not a valid state. */
export async function readLegacyStateFile(filePath: string): Promise<LegacyState | null> {
  const text = await fs.readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new StorageError({ message: `Could not read ${filePath}`, path: filePath, cause: error });
  });
  if (text === null) return null;
  const state = parseStateFile(filePath, text, legacyStateSchema, 'a valid emulator state');
  return {
    sessions: Object.values(state.sessions),
    archives: Object.values(state.archives),
  };
}
