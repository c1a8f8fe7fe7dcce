/** GET /archive/:archiveId tells the host page how a recording it believed running ended; /start takes a layout. */
import request from 'supertest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { browse, createEmulatorHarness, readPageData, type Harness } from './helpers/app-harness';
import { ParticipantClient } from './helpers/participant-client';

describe('archive status and start layout', () => {
  let emulator: TestEmulator;
  let harness: Harness;
  let participant: ParticipantClient;
  let post: (path: string, body?: object) => request.Test;

  beforeAll(async () => {
    emulator = await startTestEmulator({ limits: { finishDeadlineMs: 300 } });
    harness = createEmulatorHarness(emulator);
    const page = await request(harness.app).get('/participant').expect(200);
    participant = await ParticipantClient.join(emulator.url, readPageData(page.text));
    await participant.publish();
    const { agent, csrfToken } = await browse(harness.app, '/host');
    post = (path, body = {}) =>
      agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);
  });
  afterAll(async () => {
    await participant.leave();
    await emulator.close();
  });

  it('answers a running recording, then the same recording stopped with the reason, never its URL', async () => {
    const started = await post('/start', {
      name: 'Weekly review',
      outputMode: 'individual',
      hasVideo: false,
    });
    expect(started.status).toBe(200);
    const archiveId: string = started.body.id;

    const running = await request(harness.app)
      .get(`/archive/${archiveId}`)
      .set('Accept', 'application/json')
      .expect(200);
    expect(running.headers['cache-control']).toBe('no-store');
    expect(running.body).toEqual({
      id: archiveId,
      name: 'Weekly review',
      status: 'started',
      reason: '',
      outputMode: 'individual',
      hasAudio: true,
      hasVideo: false,
      createdAt: expect.any(Number),
    });

    expect((await post(`/stop/${archiveId}`)).status).toBe(200);
    const stopped = await request(harness.app).get(`/archive/${archiveId}`).expect(200);
    expect(stopped.body).toMatchObject({ id: archiveId, status: 'stopped', reason: 'user initiated' });
    expect(stopped.body).not.toHaveProperty('url');
    expect(stopped.body).not.toHaveProperty('password');
  });

  it('says in words that an unknown recording is gone, and refuses an ID that cannot be one', async () => {
    const unknown = await request(harness.app)
      .get('/archive/00000000-0000-4000-8000-000000000000')
      .set('Accept', 'application/json')
      .expect(404);
    expect(unknown.body.error.message).toMatch(/no longer exists/);
    const invalid = await request(harness.app)
      .get(`/archive/${encodeURIComponent('../history')}`)
      .set('Accept', 'application/json')
      .expect(400);
    expect(invalid.body.error.message).toMatch(/^That address does not lead to a recording/);
  });

  it('is behind the host password when one is set', async () => {
    const guarded = createEmulatorHarness(emulator, { hostPassword: 'pw-for-hosts' });
    await request(guarded.app).get('/archive/00000000-0000-4000-8000-000000000000').expect(401);
  });

  it('starts a composed recording with the layout chosen before start', async () => {
    const started = await post('/start', { name: 'With layout', layout: { type: 'pip' } });
    expect(started.status).toBe(200);
    expect((await post(`/stop/${started.body.id as string}`)).status).toBe(200);

    const custom = await post('/start', {
      name: 'Custom layout',
      layout: { type: 'custom', stylesheet: 'stream.focus { width: 100%; height: 100%; }' },
    });
    expect(custom.status).toBe(200);
    expect((await post(`/stop/${custom.body.id as string}`)).status).toBe(200);
  });

  it('refuses a layout it cannot send, in words, before asking the platform', async () => {
    const noStylesheet = await post('/start', { layout: { type: 'custom' } });
    expect(noStylesheet.status).toBe(400);
    expect(noStylesheet.body.error.message).toMatch(/^A custom layout needs a stylesheet/);

    const individual = await post('/start', { outputMode: 'individual', layout: { type: 'bestFit' } });
    expect(individual.status).toBe(400);
    expect(individual.body.error.message).toMatch(/^A layout applies only to a composed recording/);

    const unknownType = await post('/start', { layout: { type: 'mosaic' } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.message).toMatch(/^Pick a layout: best fit/);
  });
});
