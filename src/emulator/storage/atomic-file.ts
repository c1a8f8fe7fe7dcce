/** Atomic file writes: a reader (or a restart after a crash) sees the old file or the new one, never half of one. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';

export interface AtomicWriteOptions {
  /**
   * fsync the folder after the rename (default true). A caller writing many files into one folder passes
   * false and syncs the folder once, after the last rename.
   */
  syncDirectory?: boolean;
}

export async function writeFileAtomic(
  filePath: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(filePath);
  const tempPath = path.join(dir, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.mkdir(dir, { recursive: true });
    const handle = await fs.open(tempPath, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tempPath, filePath);
    if (options.syncDirectory ?? true) await syncDirectory(dir);
  } catch (cause) {
    await fs.rm(tempPath, { force: true }).catch(() => undefined);
    throw new StorageError({ message: `Could not write ${filePath}`, path: filePath, cause });
  }
}

/** fsync the directory so the rename itself survives a power loss (a no-op where unsupported). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Whether a name is one of the temp files (or folders) written here: `.<name>.<random>.tmp`. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Removes the temp files (and temp folders) a crash may have left behind in `dir`. */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter(isTempName).map((n) => fs.rm(path.join(dir, n), { recursive: true, force: true })),
  );
}
