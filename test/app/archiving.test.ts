/** The archiving demo end to end against the emulator: pages, start, stop, history, download and delete. */
import { decodeJwt } from 'jose';
import request from 'supertest';
import type { ArchiveRow, HistoryPage } from '../../src/app/archiving/history-view';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import {
  browse,
  createEmulatorHarness,
  readPageData,
  type Harness,
  type PageData,
} from './helpers/app-harness';
import { eventually, ParticipantClient } from './helpers/participant-client';

/** The body of /history.json: the history page's view-model for the status refresh. */
type HistoryJson = Pick<HistoryPage, 'page' | 'lastPage' | 'total' | 'isPending'> & {
  archives: ArchiveRow[];
};

async function pageCredentials(harness: Harness, path: string): Promise<PageData> {
  const res = await request(harness.app).get(path).expect(200);
  return readPageData(res.text);
}

/** The app on an emulator of its own that finishes an upload within `finishDeadlineMs`. */
async function startDemo(finishDeadlineMs: number): Promise<{ emulator: TestEmulator; harness: Harness }> {
  const emulator = await startTestEmulator({ limits: { finishDeadlineMs } });
  return { emulator, harness: createEmulatorHarness(emulator) };
}

async function stopDemo(emulator: TestEmulator, participants: ParticipantClient[]): Promise<void> {
  await Promise.all(participants.map((p) => p.leave()));
  await emulator.close();
}

// The tests of this block run in order: the recording test first checks that nobody is connected, then
// leaves its participant connected for the later ones, which need a client in the session to record.
describe('archiving demo', () => {
  let emulator: TestEmulator;
  let harness: Harness;
  const participants: ParticipantClient[] = [];

  beforeAll(async () => {
    ({ emulator, harness } = await startDemo(300));
  });
  afterAll(() => stopDemo(emulator, participants));

  it('gives the host a moderator token and the participant a publisher token for the same session', async () => {
    const host = await pageCredentials(harness, '/host');
    const participant = await pageCredentials(harness, '/participant');
    expect(host.sessionId).toBe(participant.sessionId);
    expect(host.apiKey).toBe(emulator.apiKey);
    expect(decodeJwt(host.token)).toMatchObject({ role: 'moderator', session_id: host.sessionId });
    expect(decodeJwt(participant.token)).toMatchObject({ role: 'publisher', session_id: host.sessionId });
    expect(host.recording).toBeNull();
  });

  it('records a session: start, indicator on reload, stop, history, download and delete', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const post = (path: string, body: object = {}) =>
      agent.post(path).set('x-csrf-token', csrfToken).set('Accept', 'application/json').send(body);

    // Nobody connected yet: the platform refuses, the host reads why.
    const early = await post('/start', { name: 'Too early' });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/^Nobody is publishing yet/);

    const participant = await ParticipantClient.join(
      emulator.url,
      await pageCredentials(harness, '/participant'),
    );
    participants.push(participant);
    await participant.publish();

    const started = await post('/start', {
      name: 'Team sync',
      hasAudio: true,
      hasVideo: true,
      outputMode: 'composed',
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ name: 'Team sync', status: 'started', outputMode: 'composed' });
    expect(started.body).not.toHaveProperty('url');
    const archiveId: string = started.body.id;
    await participant.waitFor((m) => m.type === 'archiveStarted' && m.archive.id === archiveId);

    // A host page opened mid-recording starts with the indicator on.
    const reload = await request(harness.app).get('/host').expect(200);
    expect(reload.text).toMatch(/id="recording-indicator"[^>]*data-recording="true"/);
    expect(readPageData(reload.text).recording).toEqual({ id: archiveId, name: 'Team sync' });
    const participantPage = await request(harness.app).get('/participant').expect(200);
    expect(participantPage.text).toMatch(/data-recording="true"/);

    const again = await post('/start', {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already being recorded/);

    await participant.uploadRecording(archiveId, Buffer.from('fake media bytes'));
    const stopped = await post(`/stop/${archiveId}`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: archiveId, status: 'stopped' });
    await participant.waitFor((m) => m.type === 'archiveStopped' && m.archive.id === archiveId);
    expect((await post(`/stop/${archiveId}`)).status).toBe(409);

    // While processing, the history JSON marks the page pending so the browser keeps refreshing.
    const pending = await request(harness.app).get('/history.json').expect(200);
    expect((pending.body as HistoryJson).archives[0]).toMatchObject({ id: archiveId, status: 'stopped' });
    expect((pending.body as HistoryJson).isPending).toBe(true);
    const pendingPage = await request(harness.app).get('/history').expect(200);
    expect(pendingPage.text).toContain('data-pending="true"');
    expect(pendingPage.text).not.toContain('class="download-link');
    expect(pendingPage.text).not.toContain('class="delete-form"');

    await participant.finishRecording(archiveId);
    const ready = await eventually(async () => {
      const res = await request(harness.app).get('/history.json?page=1');
      const body = res.body as HistoryJson;
      return body.archives[0]?.status === 'available' ? body : undefined;
    });
    expect(ready.archives[0]).toMatchObject({ name: 'Team sync', canDownload: true, canDelete: true });
    expect(ready.isPending).toBe(false);

    const history = await agent.get('/history').expect(200);
    expect(history.text).toContain(`data-archive-id="${archiveId}" data-status="available"`);
    expect(history.text).toContain(`href="/download/${archiveId}"`);
    expect(history.text).toContain(`action="/delete/${archiveId}"`);

    const download = await request(harness.app).get(`/download/${archiveId}`).expect(302);
    const file = await fetch(download.headers.location as string);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString()).toContain('fake media bytes');

    // In local mode the emulator lives on the app's own origin, so the browser is sent to a path, not to the
    // 127.0.0.1 address the app's SDK used: it works behind a proxy or from another device too.
    const local = createEmulatorHarness(emulator, { local: true });
    const localDownload = await request(local.app).get(`/download/${archiveId}`).expect(302);
    const location = localDownload.headers.location as string;
    expect(location).toMatch(new RegExp(`^/emulator/downloads/${archiveId}\\?`));
    expect(new URL(download.headers.location as string).pathname).toBe(location.split('?')[0]);

    // The history page's delete form posts _csrf as a form field and comes back to its page.
    const deleted = await agent
      .post(`/delete/${archiveId}`)
      .type('form')
      .send({ _csrf: csrfToken, page: '1' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.location).toBe('/history?page=1');
    const after = await agent.get('/history').expect(200);
    expect(after.text).not.toContain(archiveId);
    expect(after.text).toContain('id="empty-state"');
    expect(after.text).toContain('href="/host"');

    await request(harness.app).get(`/download/${archiveId}`).set('Accept', 'text/html').expect(404);
  });

  it('escapes what users typed: an archive name cannot break out of the page data or the history table', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const name = '</script><script>alert(1)</script> & <b>';
    const started = await agent.post('/start').set('x-csrf-token', csrfToken).send({ name });
    expect(started.status).toBe(200);
    const host = await request(harness.app).get('/host').expect(200);
    expect(host.text).not.toContain('<script>alert(1)');
    expect(readPageData(host.text).recording).toEqual({ id: started.body.id, name });
    const history = await request(harness.app).get('/history').expect(200);
    expect(history.text).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(history.text).not.toContain('<script>alert(1)');
    await agent.post(`/stop/${started.body.id}`).set('x-csrf-token', csrfToken).expect(200);
  });

  it('accepts the host form as form-encoded fields (unchecked boxes are absent) and rejects bad options', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const form = (fields: Record<string, string>) =>
      agent
        .post('/start')
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: csrfToken, ...fields });

    const noTracks = await form({ name: 'x', outputMode: 'composed' });
    expect(noTracks.status).toBe(400);
    expect(noTracks.body.error.message).toMatch(/^Choose audio, video or both/);

    const badMode = await form({ hasAudio: 'on', outputMode: 'mixed' });
    expect(badMode.status).toBe(400);
    expect(badMode.body.error.message).toMatch(
      /^Choose how to record: one composed video, or one file per stream/,
    );

    const longName = await agent
      .post('/start')
      .set('x-csrf-token', csrfToken)
      .send({ name: 'n'.repeat(81) });
    expect(longName.status).toBe(400);

    const malformed = await agent
      .post('/start')
      .set('x-csrf-token', csrfToken)
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/could not read what was sent/);

    const audioOnly = await form({ name: 'Audio only', hasAudio: 'on', outputMode: 'individual' });
    expect(audioOnly.status).toBe(200);
    expect(audioOnly.body).toMatchObject({ hasAudio: true, hasVideo: false, outputMode: 'individual' });
    expect((await agent.post(`/stop/${audioOnly.body.id}`).set('x-csrf-token', csrfToken)).status).toBe(200);
  });

  it.each([
    ['unknown', '00000000-0000-4000-8000-000000000000', 404],
    ['malformed', 'not an id!', 400],
    ['dotted', 'abc.mp4', 400],
    ['too long', 'a'.repeat(200), 400],
  ])('answers an %s archive ID on stop, download and delete', async (_kind, id, status) => {
    const { agent, csrfToken } = await browse(harness.app);
    const path = encodeURIComponent(id);
    expect((await agent.post(`/stop/${path}`).set('x-csrf-token', csrfToken)).status).toBe(status);
    expect((await agent.get(`/download/${path}`)).status).toBe(status);
    expect((await agent.post(`/delete/${path}`).set('x-csrf-token', csrfToken)).status).toBe(status);
  });
});

describe('history pagination', () => {
  let emulator: TestEmulator;
  let harness: Harness;
  const participants: ParticipantClient[] = [];
  const names: string[] = [];

  beforeAll(async () => {
    ({ emulator, harness } = await startDemo(200));
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const participant = await ParticipantClient.join(
      emulator.url,
      await pageCredentials(harness, '/participant'),
    );
    participants.push(participant);
    await participant.publish();
    for (let i = 1; i <= 7; i += 1) {
      const name = i === 3 ? '' : `Archive ${i}`;
      const started = await agent.post('/start').set('x-csrf-token', csrfToken).send({ name });
      expect(started.status).toBe(200);
      await agent.post(`/stop/${started.body.id}`).set('x-csrf-token', csrfToken).expect(200);
      names.push(name || 'Untitled');
      // createdAt has millisecond resolution; keep the order unambiguous.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  afterAll(() => stopDemo(emulator, participants));

  const rowNames = (html: string) =>
    [...html.matchAll(/<span class="archive-name-text" title="[^"]+">([^<]*)<\/span>/g)].map((m) => m[1]);

  it('shows five archives a page, newest first, with Newer/Older links', async () => {
    const first = await request(harness.app).get('/history').expect(200);
    expect(rowNames(first.text)).toEqual(names.slice(2).reverse());
    expect(first.text).toContain('rel="next" href="/history?page=2"');
    expect(first.text).not.toContain('rel="prev"');
    expect(first.text).toContain('Untitled');

    const second = await request(harness.app).get('/history?page=2').expect(200);
    expect(rowNames(second.text)).toEqual(names.slice(0, 2).reverse());
    expect(second.text).toContain('rel="prev" href="/history?page=1"');
    expect(second.text).not.toContain('rel="next"');
  });

  it.each(['0', '-1', 'abc', '1.5', ''])('treats page=%p as page 1', async (page) => {
    const res = await request(harness.app).get(`/history?page=${page}`).expect(200);
    expect(rowNames(res.text)).toEqual(names.slice(2).reverse());
  });

  it('shows the empty state with a link to the last page past the end', async () => {
    const res = await request(harness.app).get('/history?page=9').expect(200);
    expect(res.text).toContain('id="empty-state"');
    expect(res.text).toContain('href="/history?page=2"');
    expect(rowNames(res.text)).toEqual([]);
  });

  it.each(['1234567890', '9007199254740993', '99999999999999999999999'])(
    'shows page=%s, far past the end, as the empty state with a link to the last page',
    async (page) => {
      // A fresh app, so that no listing is served from the short-lived cache of an earlier request.
      const fresh = createEmulatorHarness(emulator);
      const list = jest.spyOn(fresh.opentok.archives, 'all');
      try {
        const res = await request(fresh.app).get(`/history?page=${page}`).expect(200);
        expect(res.text).toContain('id="empty-state"');
        expect(res.text).toContain('That page does not exist: the history has 2 pages (7 archives).');
        expect(res.text).not.toMatch(/page \d{6,}/);
        expect(res.text).toContain('href="/history?page=2"');
        expect(rowNames(res.text)).toEqual([]);
        const offsets = list.mock.calls.map(([options]) => options?.offset);
        expect(offsets).toHaveLength(1);
        expect(Number.isSafeInteger(offsets[0])).toBe(true);
        const json = await request(fresh.app).get(`/history.json?page=${page}`).expect(200);
        expect(json.body).toMatchObject({ lastPage: 2, total: 7, archives: [] });
      } finally {
        list.mockRestore();
      }
    },
  );

  it('serves the same page as JSON for the status refresh', async () => {
    const res = await request(harness.app).get('/history.json?page=2').expect(200);
    const body = res.body as HistoryJson;
    expect(body).toMatchObject({ page: 2, lastPage: 2, total: 7 });
    expect(body.archives.map((a) => a.name)).toEqual(names.slice(0, 2).reverse());
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
