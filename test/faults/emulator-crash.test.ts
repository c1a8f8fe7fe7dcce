/**
 * Crash safety of the emulator's storage: the emulator runs in a child process and is killed with SIGKILL
 * while archives record, while media chunks are written, while an archive is assembled and while archives
 * are deleted. After a restart on the same data folder, metadata and files agree: no archive `available`
 * without its file, no file without its archive, no temp file, and no completed archive lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeBrowser } from '../emulator/support/fake-browser';
import { joinSession } from '../emulator/support/join-session';
import { startTestEmulator } from '../helpers/emulator';
import { archivePath, createSession, rest, type Project } from '../emulator/support/platform-client';
import { finishUpload, putChunk } from '../emulator/support/uploads';

jest.setTimeout(90_000);

const API_KEY = '4242';
const API_SECRET = 'c1a5h'.repeat(8);
const CHUNK_BYTES = 128 * 1024;
const ROOT = path.join(__dirname, '..', '..');

interface RunningEmulator extends Project {
  child: ChildProcess;
}

interface ArchiveBody {
  id: string;
  status: string;
  size: number;
  sha256sum: string;
  url: string | null;
  name: string | null;
}

interface StoredArchive {
  id: string;
  status: string;
  size: number;
  sha256sum: string;
  file: { fileName: string } | null;
}

/** The archives the data folder holds: one record file each under records/archives/. */
async function readStoredArchives(dataDir: string): Promise<Record<string, StoredArchive>> {
  const dir = path.join(dataDir, 'records', 'archives');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  const archives: Record<string, StoredArchive> = {};
  for (const name of names) {
    const { record } = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { record: StoredArchive };
    archives[record.id] = record;
  }
  return archives;
}

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** `tsx src/emulator/server.ts` as a user runs it, on port 0; resolves once it prints its URL. */
async function startChild(dataDir: string): Promise<RunningEmulator> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/emulator/server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      EMULATOR_PORT: '0',
      EMULATOR_API_KEY: API_KEY,
      EMULATOR_API_SECRET: API_SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr.join('')}`)), 30_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stderr.join('')}`));
    });
  });
  return { child, url, apiKey: API_KEY, apiSecret: API_SECRET };
}

async function kill9(emulator: RunningEmulator): Promise<void> {
  if (emulator.child.exitCode !== null || emulator.child.signalCode !== null) return;
  const exited = new Promise((resolve) => emulator.child.once('exit', resolve));
  emulator.child.kill('SIGKILL');
  await exited;
}

async function startArchive(
  emulator: RunningEmulator,
  sessionId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await rest(emulator, 'POST', archivePath(emulator), { body: { sessionId, ...body } });
  if (res.status !== 200) throw new Error(`start answered ${res.status}: ${res.text}`);
  return (res.body as ArchiveBody).id;
}

/** A composed archive, once its recorder is elected, and an individual one beside it, named `<label> …`. */
async function startBoth(
  emulator: RunningEmulator,
  browser: FakeBrowser,
  sessionId: string,
  label: string,
): Promise<{ composedId: string; individualId: string }> {
  const composedId = await startArchive(emulator, sessionId, { name: `${label} composed` });
  await browser.waitFor((m) => m.type === 'recorderElected' && m.archiveId === composedId);
  const individualId = await startArchive(emulator, sessionId, {
    name: `${label} individual`,
    outputMode: 'individual',
    multiArchiveTag: 'individual',
  });
  return { composedId, individualId };
}

async function getArchive(emulator: RunningEmulator, id: string): Promise<ArchiveBody> {
  return (await rest(emulator, 'GET', archivePath(emulator, `/${id}`))).body as ArchiveBody;
}

async function listArchives(emulator: RunningEmulator): Promise<ArchiveBody[]> {
  return (
    (await rest(emulator, 'GET', archivePath(emulator, '?count=1000'))).body as { items: ArchiveBody[] }
  ).items;
}

/** After a restart, archives that were recording or stopped are assembled; waits until none is left stopped. */
async function waitSettled(emulator: RunningEmulator): Promise<ArchiveBody[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const items = await listArchives(emulator);
    if (items.every((a) => a.status !== 'stopped' && a.status !== 'started' && a.status !== 'paused'))
      return items;
    if (Date.now() > deadline)
      throw new Error(`archives still settling: ${items.map((a) => a.status).join()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The invariants a crash must not break, read from the data folder itself. */
async function expectConsistent(dataDir: string): Promise<Record<string, StoredArchive>> {
  const stored = await readStoredArchives(dataDir);
  const archives = Object.values(stored);
  const archiveFiles = (await readdir(path.join(dataDir, 'archives')).catch(() => [] as string[])).sort();
  const expectedFiles: string[] = [];
  for (const archive of archives) {
    if (archive.status !== 'available') continue;
    expect([archive.id, archive.file]).toEqual([
      archive.id,
      expect.objectContaining({ fileName: expect.any(String) }),
    ]);
    const filePath = path.join(dataDir, 'archives', archive.file?.fileName ?? '');
    expect([archive.id, (await stat(filePath).catch(() => null))?.size]).toEqual([archive.id, archive.size]);
    expect([archive.id, await sha256Of(filePath)]).toEqual([archive.id, archive.sha256sum]);
    expectedFiles.push(archive.file?.fileName ?? '');
  }
  // No orphan: every archive file belongs to an available archive.
  expect(archiveFiles).toEqual(expectedFiles.sort());
  // No half-written file anywhere, and media chunks only for archives that exist.
  const all = await filesUnder(dataDir);
  expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const mediaIds = await readdir(path.join(dataDir, 'media')).catch(() => [] as string[]);
  for (const id of mediaIds) expect([id, stored[id] !== undefined]).toEqual([id, true]);
  // Nothing was set aside: every file belonged to an archive the state knows.
  expect(await filesUnder(path.join(dataDir, 'orphans'))).toEqual([]);
  return stored;
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-crash-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it('survives SIGKILL while recording, while chunks are written, while assembling and while deleting', async () => {
  // 1. Completed archives, composed and individual, made before any crash.
  let emulator = await startChild(dataDir);
  const sessionId = await createSession(emulator);
  let browser = await joinSession(emulator, sessionId);
  let streamId = await browser.publish();
  const completed = new Map<string, ArchiveBody>();
  {
    const { composedId, individualId } = await startBoth(emulator, browser, sessionId, 'done');
    for (let seq = 0; seq < 3; seq++) {
      expect(
        (await putChunk(emulator, browser, composedId, 'composed', seq, randomBytes(CHUNK_BYTES))).status,
      ).toBe(200);
      expect(
        (await putChunk(emulator, browser, individualId, streamId, seq, randomBytes(CHUNK_BYTES))).status,
      ).toBe(200);
    }
    expect((await finishUpload(emulator, browser, composedId, 'composed')).status).toBe(200);
    expect((await finishUpload(emulator, browser, individualId, streamId)).status).toBe(200);
    await rest(emulator, 'POST', archivePath(emulator, `/${composedId}/stop`));
    await rest(emulator, 'POST', archivePath(emulator, `/${individualId}/stop`));
    for (const items = await waitSettled(emulator); ;) {
      for (const a of items) if (a.status === 'available') completed.set(a.id, a);
      break;
    }
    expect([...completed.keys()].sort()).toEqual([composedId, individualId].sort());
  }

  // 2. Two archives recording, chunks streaming into both; SIGKILL with writes in flight.
  const { composedId, individualId } = await startBoth(emulator, browser, sessionId, 'crash');
  const acked = new Map<string, number>([
    [composedId, 0],
    [individualId, 0],
  ]);
  const pump = async (archiveId: string, key: string) => {
    // Bounded: at most 200 chunks; the kill ends it much earlier.
    for (let seq = 0; seq < 200; seq++) {
      const res = await putChunk(emulator, browser, archiveId, key, seq, randomBytes(CHUNK_BYTES)).catch(
        () => null,
      );
      if (!res || res.status !== 200) return;
      acked.set(archiveId, seq + 1);
    }
  };
  const pumps = [pump(composedId, 'composed'), pump(individualId, streamId)];
  const deadline = Date.now() + 20_000;
  while ((acked.get(composedId) ?? 0) + (acked.get(individualId) ?? 0) < 12 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await kill9(emulator);
  await Promise.all(pumps);
  await browser.cut().catch(() => undefined);

  emulator = await startChild(dataDir);
  await waitSettled(emulator);
  let archives = await expectConsistent(dataDir);
  for (const [id, before] of completed) {
    expect(archives[id]).toMatchObject({
      status: 'available',
      sha256sum: before.sha256sum,
      size: before.size,
    });
  }
  // Every chunk the emulator acknowledged is in the recovered recording; one with no chunk at all fails.
  for (const id of [composedId, individualId]) {
    const ackedBytes = (acked.get(id) ?? 0) * CHUNK_BYTES;
    if (ackedBytes === 0) {
      expect(['available', 'failed']).toContain(archives[id]?.status);
      continue;
    }
    expect(archives[id]?.status).toBe('available');
    expect(archives[id]?.size).toBeGreaterThanOrEqual(ackedBytes);
  }
  expect((acked.get(composedId) ?? 0) + (acked.get(individualId) ?? 0)).toBeGreaterThan(0);

  // 3. SIGKILL right after a stop, while the archive file is being assembled.
  browser = await joinSession(emulator, sessionId);
  streamId = await browser.publish();
  const bigId = await startArchive(emulator, sessionId, { name: 'assembling', outputMode: 'individual' });
  const bigChunks = 24;
  for (let seq = 0; seq < bigChunks; seq++) {
    expect((await putChunk(emulator, browser, bigId, streamId, seq, randomBytes(CHUNK_BYTES))).status).toBe(
      200,
    );
  }
  expect((await finishUpload(emulator, browser, bigId, streamId)).status).toBe(200);
  expect((await rest(emulator, 'POST', archivePath(emulator, `/${bigId}/stop`))).status).toBe(200);
  await kill9(emulator);
  await browser.cut().catch(() => undefined);

  emulator = await startChild(dataDir);
  await waitSettled(emulator);
  archives = await expectConsistent(dataDir);
  expect(archives[bigId]).toMatchObject({ status: 'available' });
  expect(archives[bigId]?.size).toBeGreaterThan(bigChunks * CHUNK_BYTES);
  const survivors = [...completed.keys(), composedId, individualId, bigId].filter(
    (id) => archives[id]?.status === 'available',
  );
  expect(survivors).toEqual(expect.arrayContaining([...completed.keys(), bigId]));

  // 4. SIGKILL while deletes are under way: each archive is either still available with its file, or deleted
  // with no file left.
  const deletes = survivors.map((id) =>
    rest(emulator, 'DELETE', archivePath(emulator, `/${id}`)).catch(() => null),
  );
  await new Promise((resolve) => setTimeout(resolve, 3));
  await kill9(emulator);
  await Promise.all(deletes);

  emulator = await startChild(dataDir);
  try {
    await waitSettled(emulator);
    archives = await expectConsistent(dataDir);
    for (const id of survivors) expect(['available', 'deleted']).toContain(archives[id]?.status);
    // What the emulator reports agrees with the disk: an available archive downloads in full.
    for (const item of await listArchives(emulator)) {
      if (item.status !== 'available' || !item.url) continue;
      const body = Buffer.from(await (await fetch(item.url)).arrayBuffer());
      expect([item.id, body.length]).toEqual([item.id, item.size]);
    }
    expect(await getArchive(emulator, completed.keys().next().value as string)).toHaveProperty('id');
  } finally {
    await kill9(emulator);
  }
});

it('at start removes what a delete left behind, and moves what the state does not list to orphans/', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'emulator-orphans-'));
  const aside = await mkdtemp(path.join(os.tmpdir(), 'emulator-aside-'));
  try {
    // An archive deleted just before a crash: its record says deleted, its file and chunks are still there.
    const first = await startTestEmulator({ dataDir: dir });
    let deletedId = '';
    try {
      const sessionId = await createSession(first);
      const browser = await joinSession(first, sessionId);
      await browser.publish();
      const started = await rest(first, 'POST', archivePath(first), { body: { sessionId } });
      deletedId = (started.body as ArchiveBody).id;
      await browser.waitFor((m) => m.type === 'recorderElected');
      expect((await putChunk(first, browser, deletedId, 'composed', 0, randomBytes(100))).status).toBe(200);
      expect((await finishUpload(first, browser, deletedId, 'composed')).status).toBe(200);
      await rest(first, 'POST', archivePath(first, `/${deletedId}/stop`));
      await browser.leave();
      const archiveFiles = () => readdir(path.join(dir, 'archives')).catch(() => [] as string[]);
      const deadline = Date.now() + 5000;
      while (!(await archiveFiles()).includes(`${deletedId}.webm`) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await writeFile(
        path.join(aside, 'kept.webm'),
        await readFile(path.join(dir, 'archives', `${deletedId}.webm`)),
      );
      expect((await rest(first, 'DELETE', archivePath(first, `/${deletedId}`))).status).toBe(204);
    } finally {
      await first.close();
    }
    const fileName = `${deletedId}.webm`;
    await writeFile(path.join(dir, 'archives', fileName), await readFile(path.join(aside, 'kept.webm')));
    await mkdir(path.join(dir, 'media', deletedId, 'composed'), { recursive: true });
    await writeFile(path.join(dir, 'media', deletedId, 'composed', '00000000.chunk'), 'deleted media');
    // Files of archives the state has never heard of.
    await writeFile(path.join(dir, 'archives', 'unknown-archive.webm'), 'a recording');
    await mkdir(path.join(dir, 'media', 'no-such-archive', 'composed'), { recursive: true });
    await writeFile(path.join(dir, 'media', 'no-such-archive', 'composed', '00000000.chunk'), 'media');

    const second = await startTestEmulator({ dataDir: dir });
    await second.close();
    expect(await readdir(path.join(dir, 'archives'))).toEqual([]);
    expect(await readdir(path.join(dir, 'media'))).toEqual([]);
    const orphansDir = path.join(dir, 'orphans', (await readdir(path.join(dir, 'orphans')))[0] as string);
    const moved = (await filesUnder(orphansDir)).map((f) => path.relative(orphansDir, f));
    expect(moved.sort()).toEqual(
      [
        path.join('archives', 'unknown-archive.webm'),
        path.join('media', 'no-such-archive', 'composed', '00000000.chunk'),
      ].sort(),
    );
    expect(await readFile(path.join(orphansDir, 'archives', 'unknown-archive.webm'), 'utf8')).toBe(
      'a recording',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(aside, { recursive: true, force: true });
  }
});
