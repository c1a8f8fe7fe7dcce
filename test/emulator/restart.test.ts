/** Persistence: sessions, archives, files and credentials survive a restart on the same data folder. */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_API_KEY } from '../../src/emulator';
import { CredentialsError } from '../../src/emulator/errors';
import { startEmulatorServer } from '../../src/emulator/server';
import { startTestEmulator } from '../helpers/emulator';
import { createLogLines } from '../helpers/log-lines';
import { joinSession } from './support/join-session';
import { archivePath, createSession, rest } from './support/platform-client';
import { finishUpload, putChunk } from './support/uploads';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'emulator-restart-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

async function waitForStatus(project: Parameters<typeof rest>[0], id: string, status: string) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const body = (await rest(project, 'GET', archivePath(project, `/${id}`))).body as {
      status: string;
      duration: number;
      url: string;
      sha256sum: string;
      reason: string;
    };
    if (body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`archive still ${body.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('keeps credentials, sessions and archives; assembles an archive that was recording when it stopped', async () => {
  const first = await startTestEmulator({ dataDir });
  expect(first.apiKey).toBe(LOCAL_API_KEY);
  const sessionId = await createSession(first);
  const browser = await joinSession(first, sessionId);
  await browser.publish();
  const doneId = (
    (await rest(first, 'POST', archivePath(first), { body: { sessionId, name: 'done' } })).body as {
      id: string;
    }
  ).id;
  await browser.waitFor((m) => m.type === 'recorderElected');
  const doneBytes = Buffer.from('finished recording');
  expect((await putChunk(first, browser, doneId, 'composed', 0, doneBytes)).status).toBe(200);
  expect((await finishUpload(first, browser, doneId, 'composed')).status).toBe(200);
  await rest(first, 'POST', archivePath(first, `/${doneId}/stop`));
  const done = await waitForStatus(first, doneId, 'available');

  const runningId = (
    (await rest(first, 'POST', archivePath(first), { body: { sessionId, name: 'running' } })).body as {
      id: string;
    }
  ).id;
  await browser.waitFor((m) => m.type === 'recorderElected' && m.archiveId === runningId);
  const partial = Buffer.from('half a recording');
  expect((await putChunk(first, browser, runningId, 'composed', 0, partial)).status).toBe(200);
  await first.close();

  // A crash may leave a temp file behind; it must not be mistaken for state.
  await writeFile(path.join(dataDir, '.emulator.json.deadbeef.tmp'), '{"half":');
  await writeFile(path.join(dataDir, 'archives', `.${runningId}.webm.cafe.tmp`), 'half a file');
  // The emulator comes back an hour after it went down; the clock is moved only while it starts (and recovers),
  // so that REST tokens signed with the real time stay valid afterwards.
  let restartOffsetMs = 60 * 60 * 1000;
  const second = await startTestEmulator({ dataDir, clock: () => Date.now() + restartOffsetMs });
  restartOffsetMs = 0;
  try {
    expect(second.apiKey).toBe(first.apiKey);
    expect(second.apiSecret).toBe(first.apiSecret);
    expect(await readdir(dataDir)).not.toContain('.emulator.json.deadbeef.tmp');
    expect((await readdir(path.join(dataDir, 'archives'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const again = await waitForStatus(second, doneId, 'available');
    expect(again.sha256sum).toBe(done.sha256sum);
    const download = Buffer.from(await (await fetch(again.url)).arrayBuffer());
    expect(download).toEqual(doneBytes);

    const recovered = await waitForStatus(second, runningId, 'available');
    expect(recovered.reason).toBe('session ended');
    // It lasted until its last media arrived, not until the restart an hour later.
    expect(recovered.duration).toBeLessThan(60);
    const recoveredBytes = Buffer.from(await (await fetch(recovered.url)).arrayBuffer());
    expect(recoveredBytes).toEqual(partial);
    expect(recovered.sha256sum).toBe(createHash('sha256').update(partial).digest('base64'));

    const list = (await rest(second, 'GET', archivePath(second))).body as {
      count: number;
      items: Array<{ id: string }>;
    };
    expect(list.items.map((a) => a.id)).toEqual([runningId, doneId]);
    // The session is still known: a client can join it with a new token.
    const back = await joinSession(second, sessionId);
    expect(back.connected).not.toBeNull();
    await back.leave();
  } finally {
    await second.close();
  }
});

it('uses EMULATOR_API_KEY/SECRET when given and never logs the secret in full', async () => {
  const { lines, logger } = createLogLines('trace');
  const apiSecret = 'c0ffee'.repeat(6) + 'abcd';
  const running = await startEmulatorServer({
    dataDir,
    apiKey: '4242',
    apiSecret,
    logger,
  });
  try {
    expect(running.emulator.apiKey).toBe('4242');
    const project = { url: running.url, apiKey: '4242', apiSecret };
    await createSession(project);
    expect((await rest(project, 'GET', '/nowhere')).status).toBe(404);
  } finally {
    await running.close();
  }
  const log = lines.join('');
  expect(log).toContain('platform emulator ready');
  expect(log).not.toContain(apiSecret);
  expect(await readdir(dataDir)).not.toContain('emulator-secret.json');
});

it.each([
  ['only an API key', { apiKey: '4242' }, /^EMULATOR_API_KEY is set but EMULATOR_API_SECRET is not/],
  [
    'only an API secret',
    { apiSecret: 'c0ffee'.repeat(6) + 'abcd' },
    /^EMULATOR_API_SECRET is set but EMULATOR_API_KEY is not/,
  ],
  [
    'a key that is not digits',
    { apiKey: 'key', apiSecret: 'c0ffee'.repeat(6) + 'abcd' },
    /^EMULATOR_API_KEY must be digits only/,
  ],
])('refuses to start with %s instead of filling in the other half', async (_case, credentials, message) => {
  const start = startEmulatorServer({ dataDir, ...credentials });
  await expect(start).rejects.toBeInstanceOf(CredentialsError);
  await expect(start).rejects.toThrow(message);
  // Nothing was generated to stand in for the missing half.
  expect(await readdir(dataDir)).toEqual([]);
});
