/** Local mode in both flavours: the app's SDK uses the emulator's Vonage application or its OpenTok project key. */
import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { loadConfig, type LocalCredentials } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { readCsrfToken, readPageData } from './helpers/app-harness';
import { eventually, ParticipantClient } from './helpers/participant-client';

const EMULATOR_SECRET = 'local-flavour-secret-0123456789abcdef012345';

interface Flavour {
  credentials: LocalCredentials;
  /** LOCAL_CREDENTIALS as set; undefined for the default */
  setting: string | undefined;
  otherSetting: string;
}

const FLAVOURS: Flavour[] = [
  { credentials: 'vonage', setting: undefined, otherSetting: 'LOCAL_CREDENTIALS=opentok' },
  { credentials: 'opentok', setting: 'opentok', otherSetting: 'LOCAL_CREDENTIALS=vonage' },
];

describe.each(FLAVOURS)(
  'local mode with $credentials credentials',
  ({ credentials, setting, otherSetting }) => {
    let dataDir: string;
    let server: RunningServer;
    const participants: ParticipantClient[] = [];

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'app-flavour-'));
      const config = loadConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        EMULATOR_API_KEY: '100000001',
        EMULATOR_API_SECRET: EMULATOR_SECRET,
        ...(setting ? { LOCAL_CREDENTIALS: setting } : {}),
      });
      expect(config.localCredentials).toBe(credentials);
      server = await startServer(config, pino({ level: 'silent' }));
    });
    afterAll(async () => {
      await Promise.all(participants.map((p) => p.leave()));
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('says the flavour in healthz and on the landing page, with how to switch', async () => {
      const health = await request(server.url).get('/healthz').expect(200);
      expect(health.body).toEqual({
        status: 'ok',
        mode: 'local',
        credentials,
        emulatorUrl: `${server.url}/emulator`,
        store: 'memory',
      });
      const landing = await request(server.url).get('/').expect(200);
      expect(landing.text).toMatch(/<p id="local-credentials"[^>]*>[^<]*<code>LOCAL_CREDENTIALS=\w+<\/code>/);
      expect(landing.text).toContain(otherSetting);
      expect(landing.text).not.toContain('PRIVATE KEY');
    });

    it('hands the pages a token of the flavour, signed by the emulator', async () => {
      const data = readPageData((await request(server.url).get('/host').expect(200)).text);
      if (credentials === 'vonage') {
        // The application's key pair is generated in DATA_DIR on first run.
        const publicKey = createPublicKey(
          await readFile(path.join(dataDir, 'emulator-application.key'), 'utf8'),
        );
        expect(decodeProtectedHeader(data.token).alg).toBe('RS256');
        const { payload } = await jwtVerify(data.token, publicKey);
        expect(data.apiKey).toMatch(/^[0-9a-f-]{36}$/);
        expect(payload).toMatchObject({ application_id: data.apiKey, role: 'moderator' });
      } else {
        expect(decodeProtectedHeader(data.token).alg).toBe('HS256');
        const { payload } = await jwtVerify(data.token, new TextEncoder().encode(EMULATOR_SECRET));
        expect(data.apiKey).toBe('100000001');
        expect(payload).toMatchObject({ iss: '100000001', role: 'moderator' });
      }
      expect(decodeJwt(data.token)).toMatchObject({ session_id: data.sessionId });
    });

    it('records a call: start, stop, history and download through the app', async () => {
      const agent = request.agent(server.url);
      const csrfToken = readCsrfToken((await agent.get('/host').expect(200)).text);
      const post = (route: string, body: object = {}) =>
        agent.post(route).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);

      const page = readPageData((await request(server.url).get('/participant').expect(200)).text);
      const participant = await ParticipantClient.join(`${server.url}/emulator`, page);
      participants.push(participant);
      await participant.publish();

      const started = await post('/start', { name: `Call in ${credentials}`, outputMode: 'composed' });
      expect(started.status).toBe(200);
      const archiveId: string = started.body.id;
      await participant.uploadRecording(archiveId, Buffer.from(`media of ${credentials}`));
      expect((await post(`/stop/${archiveId}`)).status).toBe(200);
      await participant.finishRecording(archiveId);

      await eventually(async () => {
        const res = await request(server.url).get('/history.json');
        const first = (res.body as { archives: { id: string; status: string }[] }).archives[0];
        return first?.id === archiveId && first.status === 'available' ? first : undefined;
      });
      const history = await agent.get('/history').expect(200);
      expect(history.text).toContain(`href="/download/${archiveId}"`);
      const download = await request(server.url).get(`/download/${archiveId}`).expect(302);
      const file = await fetch(new URL(download.headers.location as string, server.url));
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).toString()).toContain(`media of ${credentials}`);
    });
  },
);
