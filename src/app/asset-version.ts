/** A fingerprint of public/, so that the app's own files can be cached for a year under a versioned path. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Hashes every file name and content under `dir`. Any edit to any file changes the version, and with it the
 * URL of every file: pages then ask for the new files, and relative imports between modules stay within one
 * version. Read once when the app is built, so a running server keeps its fingerprint: `npm run dev` restarts
 * when a file under public/ or views/ changes.
 */
export function computeAssetVersion(dir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    hash.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}
