/** The history page: the output mode in words, playable and listable recordings, delete for the page script, page numbers. */
import request from 'supertest';
import type { Archive } from '../../src/sdk';
import { buildHistoryPage, describeOutput, toArchiveRow } from '../../src/app/archiving/history-view';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { recordAvailableArchive } from '../emulator/support/available-archive';
import { browse, createEmulatorHarness } from './helpers/app-harness';

function archive(overrides: Partial<Archive>): Archive {
  return {
    id: 'b40ef09b-3811-4726-b508-e41a0f96c68f',
    status: 'available',
    name: 'Demo',
    createdAt: Date.UTC(2024, 0, 2, 3, 4, 5),
    duration: 62,
    size: 8347554,
    url: 'https://example.test/archive',
    outputMode: 'composed',
    ...overrides,
  } as Archive;
}

describe('history rows', () => {
  it('say what kind of file a recording is: a WebM from the local emulator, an MP4 from the platform', () => {
    expect(describeOutput('composed', 'local')).toBe('Composed · WebM');
    expect(describeOutput('individual', 'local')).toBe('Individual · zip');
    expect(describeOutput('composed', 'opentok')).toBe('Composed · MP4');
    expect(describeOutput('individual', 'vonage')).toBe('Individual · zip');
  });

  it('offer Play for an available composed recording and Streams for an available individual one', () => {
    expect(toArchiveRow(archive({}))).toMatchObject({ canPlay: true, canListStreams: false });
    expect(toArchiveRow(archive({ outputMode: 'individual' }))).toMatchObject({
      canPlay: false,
      canListStreams: true,
    });
    for (const status of ['started', 'stopped', 'uploaded', 'expired', 'failed'] as const) {
      expect(toArchiveRow(archive({ status, url: null }))).toMatchObject({
        canPlay: false,
        canListStreams: false,
      });
    }
  });

  it('give the status in words', () => {
    expect(toArchiveRow(archive({ status: 'started', url: null })).statusText).toBe('Recording');
    expect(toArchiveRow(archive({ status: 'stopped', url: null })).statusText).toBe('Processing');
    expect(toArchiveRow(archive({})).statusText).toBe('Available');
  });

  it('say a page past the end does not exist without repeating its number', () => {
    const past = buildHistoryPage({ page: Number.MAX_SAFE_INTEGER, total: 12, items: [] });
    expect(past.pastEndText).toBe('That page does not exist: the history has 3 pages (12 archives).');
    expect(buildHistoryPage({ page: 2, total: 0, items: [] }).pastEndText).toBe(
      'That page does not exist: there are no archives yet.',
    );
  });
});

describe('the history page', () => {
  let emulator: TestEmulator;
  let archiveId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({ limits: { finishDeadlineMs: 500 } });
    ({ id: archiveId } = await recordAvailableArchive(emulator, {
      name: 'Team sync',
      outputMode: 'composed',
    }));
  });
  afterAll(() => emulator.close());

  it('shows the output mode of each recording in the words of the mode the app runs in', async () => {
    const local = await request(createEmulatorHarness(emulator, { local: true }).app)
      .get('/history')
      .expect(200);
    expect(local.text).toContain('<span class="archive-output">Composed · WebM</span>');
    expect(local.text).toContain('class="play-button');
    const platform = await request(createEmulatorHarness(emulator).app).get('/history').expect(200);
    expect(platform.text).toContain('<span class="archive-output">Composed · MP4</span>');
  });

  it.each(['99999999999999999999', '9007199254740993', '40'])(
    'answers page=%s with a sentence and a link to the last page, never a huge page number',
    async (page) => {
      const res = await request(createEmulatorHarness(emulator).app).get(`/history?page=${page}`).expect(200);
      expect(res.text).toContain('That page does not exist: the history has 1 page (1 archive).');
      expect(res.text).toContain('<a href="/history?page=1">Go to the last page (page 1)</a>');
      expect(res.text).not.toContain('9007199254740991');
    },
  );

  it('lets the platform play a recording from its storage, and the local page only from itself', async () => {
    const platform = await request(createEmulatorHarness(emulator).app).get('/history').expect(200);
    expect(/media-src ([^;]*)/.exec(String(platform.headers['content-security-policy']))?.[1]).toBe(
      "'self' blob: mediastream: https://*.amazonaws.com",
    );
    const local = await request(createEmulatorHarness(emulator, { local: true }).app)
      .get('/history')
      .expect(200);
    expect(/media-src ([^;]*)/.exec(String(local.headers['content-security-policy']))?.[1]).toBe(
      "'self' blob: mediastream:",
    );
  });

  it('deletes for the page script with a JSON answer, and for a plain form with a redirect', async () => {
    const harness = createEmulatorHarness(emulator);
    const { agent, csrfToken } = await browse(harness.app, '/history');
    const other = await recordAvailableArchive(emulator, { name: 'Second', outputMode: 'composed' });
    const json = await agent
      .post(`/delete/${other.id}`)
      .set('Accept', 'application/json')
      .set('x-csrf-token', csrfToken)
      .send({ page: 1 })
      .expect(200);
    expect(json.body).toEqual({ id: other.id, status: 'deleted' });
    // A browser's form post asks for HTML first and comes back to its page.
    const form = await agent
      .post(`/delete/${archiveId}`)
      .set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
      .type('form')
      .send({ _csrf: csrfToken, page: '1' })
      .expect(303);
    expect(form.headers.location).toBe('/history?page=1');
  });
});
