/** Recorded platform bodies (copied from the protocol reference's fixtures) that the emulator must reproduce. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8')) as T;
}
