/** The record-file state store: what a save writes, what a reopen reads, and the move from emulator.json. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openRecordFilesStore } from '../../src/emulator/storage/record-files-store';
import type { ArchiveRecord, SessionRecord } from '../../src/emulator/storage/records';
import { archiveRecord, sessionRecord } from './support/records';

const logger = pino({ level: 'silent' });

function session(n: number): SessionRecord {
  return sessionRecord({
    sessionId: `1_MX4xMDAwMDAwMDF-fjE3MDAwMDAwMDAwMDB-session${n}`,
    createdAt: 1_700_000_000_000 + n,
  });
}

function archive(id: string, createdAt: number): ArchiveRecord {
  return archiveRecord({
    id,
    sessionId: session(0).sessionId,
    name: id,
    createdAt,
    updatedAt: createdAt,
    stoppedAt: createdAt,
    file: { fileName: `${id}.zip`, contentType: 'application/zip' },
  });
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-store-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const open = () => openRecordFilesStore(dataDir, { logger });
const ids = (archives: ArchiveRecord[]) => archives.map((a) => a.id);

it('keeps what was saved across a reopen, archives in the order they were first put', async () => {
  const store = await open();
  // Created in the same millisecond, then the first is changed again: the order is still that of the first put.
  store.putArchive(archive('b-second', 5));
  store.putArchive(archive('a-first', 5));
  store.putArchive(archive('c-third', 1));
  store.putArchive({ ...archive('b-second', 5), name: 'changed' });
  store.putSession(session(1));
  await store.save();

  const again = await open();
  expect(ids(again.listArchives())).toEqual(['b-second', 'a-first', 'c-third']);
  expect(again.getArchive('b-second')?.name).toBe('changed');
  expect(again.getSession(session(1).sessionId)).toEqual(session(1));
  // New archives come after those loaded.
  again.putArchive(archive('d-fourth', 0));
  await again.save();
  expect(ids((await open()).listArchives())).toEqual(['b-second', 'a-first', 'c-third', 'd-fourth']);
});

it('writes only the records put since the last save, one small file each', async () => {
  const store = await open();
  for (let n = 0; n < 500; n++) store.putSession(session(n));
  await store.save();
  const sessionsDir = path.join(dataDir, 'records', 'sessions');
  expect(await readdir(sessionsDir)).toHaveLength(500);

  store.putSession(session(500));
  await store.save();
  expect(await readdir(sessionsDir)).toHaveLength(501);
  const written = await readFile(path.join(sessionsDir, `${session(500).sessionId}.json`), 'utf8');
  expect(JSON.parse(written)).toEqual({ order: 500, record: session(500) });
});

it('writes a record again at the next save when a save failed', async () => {
  const store = await open();
  store.putSession(session(1));
  await store.save();
  // A file where the folder should be: every write into it fails.
  await rm(path.join(dataDir, 'records', 'archives'), { recursive: true, force: true });
  await writeFile(path.join(dataDir, 'records', 'archives'), 'not a folder');
  store.putArchive(archive('kept', 1));
  await expect(store.save()).rejects.toMatchObject({ name: 'StorageError' });

  await rm(path.join(dataDir, 'records', 'archives'));
  await store.save();
  expect(ids((await open()).listArchives())).toEqual(['kept']);
});

it('saves every record put while saves overlap', async () => {
  const store = await open();
  const saves: Array<Promise<void>> = [];
  for (let n = 0; n < 50; n++) {
    store.putSession(session(n));
    saves.push(store.save());
  }
  await Promise.all(saves);
  const again = await open();
  for (let n = 0; n < 50; n++) expect(again.getSession(session(n).sessionId)).toEqual(session(n));
});

describe('a data folder with emulator.json from an earlier version', () => {
  const legacyState = () => ({
    version: 1,
    sessions: { [session(1).sessionId]: session(1), [session(2).sessionId]: session(2) },
    archives: { 'b-second': archive('b-second', 5), 'a-first': archive('a-first', 5) },
  });

  it('moves the records over once and keeps the file as emulator.json.migrated', async () => {
    const text = JSON.stringify(legacyState());
    await writeFile(path.join(dataDir, 'emulator.json'), text);
    const store = await open();
    expect(ids(store.listArchives())).toEqual(['b-second', 'a-first']);
    expect(store.getSession(session(2).sessionId)).toEqual(session(2));
    expect((await readdir(dataDir)).sort()).toEqual(['emulator.json.migrated', 'records']);
    expect(await readFile(path.join(dataDir, 'emulator.json.migrated'), 'utf8')).toBe(text);

    store.putArchive(archive('c-third', 1));
    await store.save();
    expect(ids((await open()).listArchives())).toEqual(['b-second', 'a-first', 'c-third']);
  });

  it('finishes a move a crash cut short: a half-written temp folder, or the file not yet renamed', async () => {
    await writeFile(path.join(dataDir, 'emulator.json'), JSON.stringify(legacyState()));
    await mkdir(path.join(dataDir, '.records.0a1b2c.tmp', 'sessions'), { recursive: true });
    await writeFile(path.join(dataDir, '.records.0a1b2c.tmp', 'sessions', 'half.json'), '{"ord');
    expect(ids((await open()).listArchives())).toEqual(['b-second', 'a-first']);
    expect(await readdir(dataDir)).not.toContain('.records.0a1b2c.tmp');

    // The records were moved, but the process died before emulator.json was renamed.
    await writeFile(path.join(dataDir, 'emulator.json'), JSON.stringify({ ...legacyState(), archives: {} }));
    await rm(path.join(dataDir, 'emulator.json.migrated'));
    expect(ids((await open()).listArchives())).toEqual(['b-second', 'a-first']);
    expect(await readdir(dataDir)).toContain('emulator.json.migrated');
  });

  it('is moved over when put back beside a records folder that holds nothing', async () => {
    await mkdir(path.join(dataDir, 'records', 'sessions'), { recursive: true });
    await writeFile(path.join(dataDir, 'emulator.json'), JSON.stringify(legacyState()));
    expect(ids((await open()).listArchives())).toEqual(['b-second', 'a-first']);
  });
});
