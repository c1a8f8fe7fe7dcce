/** The log a person running the app reads: archive lifecycle at info (app and emulator), static files at debug. */
import type { Logger } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app/app';
import { loadConfig } from '../../src/app/config';
import { OpenTok } from '../../src/sdk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { createLogLines } from '../helpers/log-lines';
import { browse, readPageData } from './helpers/app-harness';
import { eventually, ParticipantClient } from './helpers/participant-client';

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  archiveId?: string;
  name?: string | null;
  sessionId?: string;
  req?: { url: string };
  err?: { message: string };
}

const INFO = 30;
const DEBUG = 20;

function buildApp(emulator: TestEmulator, logger: Logger) {
  const config = loadConfig({
    API_KEY: emulator.apiKey,
    API_SECRET: emulator.apiSecret,
    OPENTOK_API_URL: emulator.url,
  });
  const opentok = new OpenTok({
    apiKey: emulator.apiKey,
    apiSecret: emulator.apiSecret,
    apiUrl: emulator.url,
  });
  return createApp({ config, logger, opentok });
}

const parse = (lines: string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);
const LIFECYCLE = /^archive (started|stopped|available|failed|deleted)$/;

describe('archive lifecycle in the log', () => {
  const appLog = createLogLines('debug');
  const emulatorLog = createLogLines('info');
  let emulator: TestEmulator;
  let app: ReturnType<typeof createApp>;
  let participant: ParticipantClient | undefined;

  beforeAll(async () => {
    emulator = await startTestEmulator({ logger: emulatorLog.logger, limits: { finishDeadlineMs: 300 } });
    app = buildApp(emulator, appLog.logger);
  });
  afterAll(async () => {
    await participant?.leave();
    await emulator.close();
  });

  it('names each change of an archive at info, in the app and in the emulator, with no secret', async () => {
    const { agent, csrfToken } = await browse(app, '/host');
    const post = (path: string, body: object = {}) =>
      agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);
    const page = readPageData((await request(app).get('/participant').expect(200)).text);
    participant = await ParticipantClient.join(emulator.url, page);
    await participant.publish();

    const started = await post('/start', { name: 'Weekly review' }).expect(200);
    const archiveId: string = started.body.id;
    const { sessionId } = page;

    // A second start is a conflict on a routed session: the log says so, without the relayed-session hint.
    await post('/start', {}).expect(409);
    const refusal = parse(appLog.lines).find((l) => l.msg === 'the platform refused the request');
    expect(refusal?.err?.message).toMatch(/already being recorded/);
    expect(refusal?.err?.message).not.toMatch(/relayed \(peer-to-peer\)|mediaMode 'routed'/);

    await participant.uploadRecording(archiveId, Buffer.from('fake media bytes'));
    await post(`/stop/${archiveId}`).expect(200);
    await participant.finishRecording(archiveId);
    await eventually(async () =>
      parse(emulatorLog.lines).some((l) => l.msg === 'archive available') ? true : undefined,
    );
    await agent.post(`/delete/${archiveId}`).type('form').send({ _csrf: csrfToken, page: '1' }).expect(303);

    const about = { archiveId, name: 'Weekly review', sessionId };
    const appLines = parse(appLog.lines).filter((l) => LIFECYCLE.test(l.msg));
    expect(appLines.map((l) => [l.level, l.msg])).toEqual([
      [INFO, 'archive started'],
      [INFO, 'archive stopped'],
      [INFO, 'archive deleted'],
    ]);
    expect(appLines[0]).toMatchObject(about);
    expect(appLines[1]).toMatchObject(about);
    expect(appLines[2]).toMatchObject({ archiveId });

    const emulatorLines = parse(emulatorLog.lines).filter((l) => LIFECYCLE.test(l.msg));
    expect(emulatorLines.map((l) => [l.level, l.msg])).toEqual([
      [INFO, 'archive started'],
      [INFO, 'archive stopped'],
      [INFO, 'archive available'],
      [INFO, 'archive deleted'],
    ]);
    for (const line of emulatorLines) expect(line).toMatchObject({ ...about, component: 'emulator' });

    const everything = [...appLog.lines, ...emulatorLog.lines].join('\n');
    expect(everything).not.toContain(emulator.apiSecret);
    expect(everything).not.toContain(page.token);
    expect(everything).not.toContain(csrfToken);
  });
});

describe('static files in the log', () => {
  const log = createLogLines('debug');
  let emulator: TestEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('logs the files a page pulls in at debug and the page itself at info', async () => {
    const app = buildApp(emulator, log.logger);
    const landing = await request(app).get('/').expect(200);
    const stylesheet = /href="(\/assets\/[0-9a-f]+\/css\/app\.css)"/.exec(landing.text)?.[1];
    expect(stylesheet).toBeDefined();
    await request(app).get(String(stylesheet)).expect(200);
    await request(app).get('/vendor/bootstrap/css/bootstrap.min.css').expect(200);
    await request(app).get('/vendor/bootstrap/css/no-such-file.css').expect(404);

    const levels = parse(log.lines)
      .filter((l) => l.req)
      .map((l) => [l.req?.url, l.level]);
    expect(levels).toEqual([
      ['/', INFO],
      [stylesheet, DEBUG],
      ['/vendor/bootstrap/css/bootstrap.min.css', DEBUG],
      // A missing file is still worth a warning.
      ['/vendor/bootstrap/css/no-such-file.css', 40],
    ]);
  });
});
