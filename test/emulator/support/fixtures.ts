/** Recorded platform bodies (test/fixtures/platform; docs/platform.md describes them) that the emulator must reproduce. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'platform', name), 'utf8'),
  ) as T;
}
