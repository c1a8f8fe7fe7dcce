/**
 * Parsing a stored state file (emulator.json or one record file): JSON that must pass a schema. A file that
 * does not stops the start, naming the file and the field, and the data folder is left as it is.
 */
import type { z } from 'zod';
import { StateFileError } from '../errors';
import { describeRecordIssues, fieldOf } from './record-schema';

/** What every refusal ends with: the data is intact, and what to do about the file. */
export const UNCHANGED_ADVICE =
  'The emulator did not start and changed nothing in the data folder: correct the file (or restore it from a backup) and start again.';

/** `text`, read from `filePath`, parsed and checked against `schema`; a StateFileError saying it is not `what`. */
export function parseStateFile<S extends z.ZodType>(
  filePath: string,
  text: string,
  schema: S,
  what: string,
): z.output<S> {
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
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError({
      message: `${filePath} is not ${what}: ${describeRecordIssues(parsed.error)}. ${UNCHANGED_ADVICE}`,
      path: filePath,
      field: fieldOf(parsed.error),
    });
  }
  return parsed.data;
}
