/**
 * The cost of one save does not grow with history: with thousands of sessions and hundreds of archives
 * stored, creating a session or storing a media chunk writes a few small files, never the whole state. Read
 * from the data folder (what changed on disk), not from a clock, so it holds on any machine.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { archivePath, createSession, jwtClientToken, rest } from '../emulator/support/platform-client';
import { historyState as seededHistory } from '../emulator/support/records';
import { putChunk } from '../emulator/support/uploads';

const STORED_SESSIONS = 3000;
const STORED_ARCHIVES = 300;
/** A record file is well under this; the whole state of this history is hundreds of times more. */
const SMALL_WRITE_BYTES = 16 * 1024;

/** An emulator.json of an earlier version, holding a long history. */
function historyState(): string {
  return seededHistory(STORED_SESSIONS, STORED_ARCHIVES, (n) => ({
    updatedAt: 1_700_000_060_000 + n,
    stoppedAt: 1_700_000_060_000 + n,
    size: 1_000_000,
    duration: 60,
    sha256sum: 'c2hhMjU2',
  }));
}

interface FileState {
  size: number;
  mtimeMs: number;
  ino: number;
}

async function filesOf(dataDir: string): Promise<Map<string, FileState>> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const files = new Map<string, FileState>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    const { size, mtimeMs, ino } = await stat(file);
    files.set(path.relative(dataDir, file), { size, mtimeMs, ino });
  }
  return files;
}

/** The bytes of every file written (new, replaced or changed) between two looks at the data folder. */
function writtenBetween(before: Map<string, FileState>, after: Map<string, FileState>) {
  const written = [...after].filter(([file, now]) => {
    const then = before.get(file);
    return !then || then.ino !== now.ino || then.mtimeMs !== now.mtimeMs || then.size !== now.size;
  });
  return { files: written.map(([file]) => file), bytes: written.reduce((sum, [, f]) => sum + f.size, 0) };
}

let dataDir: string;
let emu: TestEmulator;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-history-'));
  const state = historyState();
  expect(state.length).toBeGreaterThan(50 * SMALL_WRITE_BYTES);
  await writeFile(path.join(dataDir, 'emulator.json'), state);
  emu = await startTestEmulator({ dataDir });
});
afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('creating a session writes its own record, not the history', async () => {
  const before = await filesOf(dataDir);
  await createSession(emu);
  const written = writtenBetween(before, await filesOf(dataDir));
  expect(written.files).toHaveLength(1);
  expect(written.bytes).toBeLessThan(SMALL_WRITE_BYTES);
});

it('storing a media chunk writes the chunk and its archive record, not the history', async () => {
  const sessionId = await createSession(emu);
  const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
    apiKey: emu.apiKey,
    sessionId,
    token: await jwtClientToken(emu, sessionId),
  });
  try {
    await browser.publish();
    const archiveId = (
      (await rest(emu, 'POST', archivePath(emu), { body: { sessionId } })).body as { id: string }
    ).id;
    await browser.waitFor((m) => m.type === 'recorderElected');
    expect((await putChunk(emu, browser, archiveId, 'composed', 0, Buffer.alloc(1000, 1))).status).toBe(200);

    const before = await filesOf(dataDir);
    const chunk = Buffer.alloc(4000, 2);
    expect((await putChunk(emu, browser, archiveId, 'composed', 1, chunk)).status).toBe(200);
    const written = writtenBetween(before, await filesOf(dataDir));
    expect(written.files).toHaveLength(2);
    expect(written.bytes).toBeLessThan(chunk.length + SMALL_WRITE_BYTES);
  } finally {
    await browser.leave();
  }
});
