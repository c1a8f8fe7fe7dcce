/**
 * A missing, broken or hostile state never costs a recording: a state file that is not valid stops the start
 * with a message naming the file and the field (never advising to delete anything) and changes nothing; files
 * the state does not list are moved to orphans/ and logged, never deleted; a value from the state builds a
 * path only when it passes the ID rules of a request; a damaged emulator-secret.json stops the start too.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmulatorServer } from '../../src/emulator/server';
import { startTestEmulator } from '../helpers/emulator';
import { createLogLines } from '../helpers/log-lines';
import { archiveRecord as seedArchive, sessionRecord } from '../emulator/support/records';
import { createSession } from '../emulator/support/platform-client';

const SESSION_ID = '1_MX4xMDAwMDAwMDF-fjE3MDAwMDAwMDAwMDB-dGVzdA-fg';
const ARCHIVE_ID = '6b1d2f7e-3c44-4a55-9e61-0d2f3a4b5c6d';
const RECORDING_ID = 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
/** Words of advice that would cost a recording if followed. */
const DESTRUCTIVE_ADVICE =
  /\b(delete|remove|erase|move)\s+(it|the|this|that|emulator|your)\b|afresh|start over/i;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-state-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

function archiveRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const kept = seedArchive({
    id: ARCHIVE_ID,
    sessionId: SESSION_ID,
    name: 'kept',
    updatedAt: 1_700_000_060_000,
    stoppedAt: 1_700_000_060_000,
    size: 11,
    duration: 60,
    file: { fileName: `${ARCHIVE_ID}.webm`, contentType: 'video/webm' },
  });
  return { ...kept, ...overrides };
}

function stateWith(archive: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    sessions: { [SESSION_ID]: sessionRecord({ sessionId: SESSION_ID }) },
    archives: { [String(archive.id)]: archive },
  });
}

/** Recordings on disk: an archive file and the chunks of another archive. */
async function putRecordings(): Promise<void> {
  await mkdir(path.join(dataDir, 'archives'), { recursive: true });
  await writeFile(path.join(dataDir, 'archives', `${ARCHIVE_ID}.webm`), 'a recording');
  await mkdir(path.join(dataDir, 'media', RECORDING_ID, 'composed'), { recursive: true });
  await writeFile(path.join(dataDir, 'media', RECORDING_ID, 'composed', '00000000.chunk'), 'some media');
}

/** Every file under the data folder with its content: what a refused start must leave exactly as it was. */
async function snapshot(): Promise<Record<string, string>> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dataDir, file)] = await readFile(file, 'utf8');
  }
  return files;
}

describe('a state file that is not valid', () => {
  it.each([
    ['an empty object', '{}', 'version'],
    ['an array', '[]', null],
    ['null', 'null', null],
    ['sessions that are null', JSON.stringify({ version: 1, sessions: null, archives: {} }), 'sessions'],
    ['a status of the wrong type', stateWith(archiveRecord({ status: 42 })), `archives.${ARCHIVE_ID}.status`],
    [
      'a missing field',
      stateWith(archiveRecord({ createdAt: undefined })),
      `archives.${ARCHIVE_ID}.createdAt`,
    ],
    ['text that is not JSON', '{"version": 1, "sessions": {', null],
  ])(
    '(%s) stops the start, names the file and the field, and changes nothing',
    async (_case, text, field) => {
      const file = path.join(dataDir, 'emulator.json');
      await writeFile(file, text);
      await putRecordings();
      const before = await snapshot();

      const start = startTestEmulator({ dataDir });
      await expect(start).rejects.toMatchObject({ name: 'StateFileError', path: file, field });
      const error = (await start.catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(file);
      if (field) expect(error.message).toContain(field);
      expect(error.message).not.toMatch(/Cannot read properties/);
      expect(error.message).not.toMatch(DESTRUCTIVE_ADVICE);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('(a record file under records/) stops the start, names the file and the field', async () => {
    const first = await startTestEmulator({ dataDir });
    const sessionId = await createSession(first);
    await first.close();
    const file = path.join(dataDir, 'records', 'sessions', `${sessionId}.json`);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { record: Record<string, unknown> };
    await writeFile(
      file,
      JSON.stringify({ ...stored, record: { ...stored.record, createdAt: 'yesterday' } }),
    );
    await putRecordings();
    const before = await snapshot();

    const start = startTestEmulator({ dataDir });
    await expect(start).rejects.toMatchObject({
      name: 'StateFileError',
      path: file,
      field: 'record.createdAt',
    });
    await expect(start).rejects.toThrow(/record\.createdAt/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('values from the state that would build a path', () => {
  it.each([
    [
      'an archive file name',
      { file: { fileName: '../emulator-secret.json', contentType: 'video/webm' } },
      'file.fileName',
    ],
    [
      'an archive file name of another archive',
      { file: { fileName: `${RECORDING_ID}.webm`, contentType: 'video/webm' } },
      'file.fileName',
    ],
    ['an archive ID', { id: '../..' }, 'id'],
    [
      'an upload key',
      {
        status: 'stopped',
        file: null,
        uploads: {
          '../../emulator-secret.json': {
            streamId: 's',
            connectionId: 'c',
            connectionData: '',
            videoType: 'camera',
            nextSeq: 1,
            bytes: 1,
            finished: true,
            startTimeOffset: 0,
            stopTimeOffset: 1,
            note: null,
          },
        },
      },
      'uploads.../../emulator-secret.json',
    ],
  ])('are refused at start: %s', async (_case, overrides, field) => {
    const archive = archiveRecord(overrides);
    await writeFile(path.join(dataDir, 'emulator.json'), stateWith(archive));
    await putRecordings();
    const before = await snapshot();

    const start = startTestEmulator({ dataDir });
    await expect(start).rejects.toMatchObject({ name: 'StateFileError' });
    await expect(start).rejects.toThrow(`archives.${String(archive.id)}.${field}`);
    expect(await snapshot()).toEqual(before);
  });
});

describe('files the state does not list', () => {
  it('are moved to orphans/ and logged when the state file is missing, never deleted', async () => {
    await putRecordings();
    const { lines, logger } = createLogLines('info');
    const running = await startEmulatorServer({ dataDir, logger });
    await running.close();

    expect(await readdir(path.join(dataDir, 'archives'))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'media'))).toEqual([]);
    const [orphans] = await readdir(path.join(dataDir, 'orphans'));
    const orphansDir = path.join(dataDir, 'orphans', orphans as string);
    expect(await readFile(path.join(orphansDir, 'archives', `${ARCHIVE_ID}.webm`), 'utf8')).toBe(
      'a recording',
    );
    expect(
      await readFile(path.join(orphansDir, 'media', RECORDING_ID, 'composed', '00000000.chunk'), 'utf8'),
    ).toBe('some media');
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => 'moved' in l);
    expect(warning).toMatchObject({
      to: orphansDir,
      moved: expect.arrayContaining([
        path.join('archives', `${ARCHIVE_ID}.webm`),
        path.join('media', RECORDING_ID),
      ]),
    });
  });

  it('are kept where they are when the state lists them', async () => {
    await writeFile(path.join(dataDir, 'emulator.json'), stateWith(archiveRecord()));
    await putRecordings();
    const running = await startEmulatorServer({ dataDir, logger: pino({ level: 'silent' }) });
    await running.close();
    expect(await readdir(path.join(dataDir, 'archives'))).toEqual([`${ARCHIVE_ID}.webm`]);
  });
});

describe('a damaged emulator-secret.json', () => {
  it.each([
    ['text that is not JSON', '{"apiSecret": "0123'],
    ['a secret of the wrong shape', '{"apiSecret": "short-secret"}'],
    ['no secret', '{}'],
    ['an array', '[]'],
  ])('(%s) stops the start with a message naming the file, and is left as it is', async (_case, text) => {
    const file = path.join(dataDir, 'emulator-secret.json');
    await writeFile(file, text);
    const start = startTestEmulator({ dataDir });
    await expect(start).rejects.toMatchObject({ name: 'CredentialsError' });
    const error = (await start.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(file);
    expect(error.message).not.toContain('short-secret');
    expect(error.message).not.toContain('0123');
    expect(error.message).not.toMatch(DESTRUCTIVE_ADVICE);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
