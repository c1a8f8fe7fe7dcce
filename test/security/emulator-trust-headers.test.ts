/** The emulator's own response headers (it answers before the app's helmet), private downloads and its request log. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { joinSession } from '../emulator/support/join-session';
import { archivePath, createSession, rest, restJwt } from '../emulator/support/platform-client';
import { finishUpload, putChunk } from '../emulator/support/uploads';

interface LogLine {
  level: number;
  msg: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
}

let running: TestEmulator;
let logText = '';
const project = { url: '', apiKey: '', apiSecret: '' };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  running = await startTestEmulator({
    logger: pino({ level: 'debug' }, sink),
    limits: { finishDeadlineMs: 200 },
  });
  Object.assign(project, { url: running.url, apiKey: running.apiKey, apiSecret: running.apiSecret });
});
afterAll(() => running.close());

const requestLines = (): LogLine[] =>
  logText
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.msg === 'emulator request');

/** An individual archive with one chunk, stopped and assembled: its `url` is a signed download link. */
async function availableArchive(): Promise<{ url: string; uploadKey: string }> {
  const sessionId = await createSession(project);
  const browser = await joinSession(project, sessionId);
  const streamId = await browser.publish();
  const started = await rest(project, 'POST', archivePath(project), {
    body: { sessionId, outputMode: 'individual' },
  });
  const { id } = started.body as { id: string };
  expect((await putChunk(project, browser, id, streamId, 0, Buffer.from('webm'))).status).toBe(200);
  expect((await rest(project, 'POST', archivePath(project, `/${id}/stop`))).status).toBe(200);
  expect((await finishUpload(project, browser, id, streamId)).status).toBe(200);
  const deadline = Date.now() + 4000;
  for (;;) {
    const archive = (await rest(project, 'GET', archivePath(project, `/${id}`))).body as {
      status: string;
      url: string;
    };
    if (archive.status === 'available') {
      await browser.leave();
      return { url: archive.url, uploadKey: browser.uploadKey };
    }
    if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('every emulator response', () => {
  it('forbids sniffing, framing and any active content, at the base path and at the root', async () => {
    const root = project.url.replace(/\/emulator$/, '');
    const answers: Array<[string, Promise<Response>]> = [
      [
        'REST 200',
        restJwt(project).then((jwt) =>
          fetch(`${project.url}${archivePath(project)}`, { headers: { 'x-opentok-auth': jwt } }),
        ),
      ],
      ['REST 403', fetch(`${project.url}${archivePath(project)}`)],
      ['REST at the root', fetch(`${root}${archivePath(project)}`)],
      ['unknown path', fetch(`${project.url}/nothing-here`)],
      ['media upload refusal', fetch(`${project.url}/media/a/b/0`, { method: 'PUT', body: 'x' })],
      ['download refusal', fetch(`${project.url}/downloads/a?expires=1&signature=00`)],
    ];
    for (const [label, answer] of answers) {
      const { headers } = await answer;
      const csp = headers.get('content-security-policy') ?? '';
      expect({
        label,
        nosniff: headers.get('x-content-type-options'),
        defaultSrc: csp.includes("default-src 'none'"),
        frameAncestors: csp.includes("frame-ancestors 'none'"),
        frameOptions: headers.get('x-frame-options'),
      }).toEqual({ label, nosniff: 'nosniff', defaultSrc: true, frameAncestors: true, frameOptions: 'DENY' });
    }
  });
});

describe('a download', () => {
  it('is private, never stored, and an attachment', async () => {
    const { url } = await availableArchive();
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get('cache-control')).toBe('private, no-store');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?[\w -]+-\d{4}-\d{2}-\d{2}-\d{4}\.zip"?$/,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the request log', () => {
  it('has method, path, status and time for each request, and no credential of any kind', async () => {
    logText = '';
    const jwt = await restJwt(project);
    const list = await fetch(`${project.url}${archivePath(project)}`, { headers: { 'x-opentok-auth': jwt } });
    expect(list.status).toBe(200);
    const refused = await fetch(`${project.url}${archivePath(project)}`, {
      headers: { 'x-opentok-auth': 'x.y.z' },
    });
    expect(refused.status).toBe(403);
    const { url, uploadKey } = await availableArchive();
    expect((await fetch(url)).status).toBe(200);

    const listPath = `/emulator${archivePath(project)}`;
    const lines = requestLines();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'GET',
          path: listPath,
          status: 200,
          durationMs: expect.any(Number),
        }),
        // Refusals are warnings (pino level 40), so that trying credentials leaves a trace.
        expect.objectContaining({ level: 40, method: 'GET', path: listPath, status: 403 }),
        expect.objectContaining({ method: 'GET', path: new URL(url).pathname, status: 200 }),
      ]),
    );
    const signature = new URL(url).searchParams.get('signature')!;
    for (const secret of [jwt, signature, uploadKey, project.apiSecret])
      expect(logText).not.toContain(secret);
  });
});
