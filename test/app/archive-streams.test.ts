/** GET /archive/:id/streams lists an individual recording's streams from the manifest in its zip, read by range. */
import request from 'supertest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { recordAvailableArchive } from '../emulator/support/available-archive';
import { readDisplayName, type StreamList } from '../../src/app/archiving/archive-streams';
import { createEmulatorHarness, type Harness } from './helpers/app-harness';

let emulator: TestEmulator;
let harness: Harness;

beforeAll(async () => {
  emulator = await startTestEmulator({ limits: { finishDeadlineMs: 500 } });
  harness = createEmulatorHarness(emulator);
});
afterAll(() => emulator.close());

/** Counts the requests for the archive file and the bytes they asked for, by watching global fetch. */
function watchDownloads(): { ranges: string[]; restore: () => void } {
  const ranges: string[] = [];
  const original = globalThis.fetch;
  const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/downloads/')) ranges.push(new Headers(init?.headers).get('range') ?? 'none');
    return original(input, init);
  });
  return { ranges, restore: () => spy.mockRestore() };
}

describe('the streams of a recording', () => {
  it('lists each stream with its person, offsets and size, reading only ranges of the zip', async () => {
    const archive = await recordAvailableArchive(emulator, {
      name: 'Two people',
      outputMode: 'individual',
      people: ['{"name":"Ada Lovelace"}', 'name=Grace', 'role=guest'],
    });
    const watch = watchDownloads();
    try {
      const res = await request(harness.app).get(`/archive/${archive.id}/streams`).expect(200);
      const body = res.body as StreamList;
      expect(res.headers['cache-control']).toBe('no-store');
      expect(body.id).toBe(archive.id);
      expect(body.streams.map((s) => [s.name, s.spanText, s.durationText])).toEqual([
        ['Ada Lovelace', '0:00 – 0:03', '3 s'],
        ['Grace', '0:00 – 0:03', '3 s'],
        [null, '0:01 – 0:04', '3 s'],
      ]);
      expect(body.streams.map((s) => s.sizeText)).toEqual(['1.4 kB', '1.6 kB', '1.8 kB']);
      // Every request asked for a range: the end of the file first, never the whole file.
      expect(watch.ranges.length).toBeGreaterThan(0);
      expect(watch.ranges[0]).toMatch(/^bytes=-\d+$/);
      expect(watch.ranges.every((r) => r.startsWith('bytes='))).toBe(true);
    } finally {
      watch.restore();
    }
  });

  it('answers 409 in words for a composed recording', async () => {
    const archive = await recordAvailableArchive(emulator, { outputMode: 'composed' });
    const res = await request(harness.app)
      .get(`/archive/${archive.id}/streams`)
      .set('Accept', 'application/json')
      .expect(409);
    expect(res.body.error.message).toMatch(/composed/);
  });

  it('answers 502 in words when the storage ignores ranges, without reading the file', async () => {
    const archive = await recordAvailableArchive(emulator, { outputMode: 'individual' });
    // The SDK shares the global fetch, so only the download answers 200 with the whole file.
    const original = globalThis.fetch;
    const only = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      return url.includes('/downloads/')
        ? Promise.resolve(new Response('whole file', { status: 200 }))
        : original(input, init);
    });
    try {
      const res = await request(harness.app)
        .get(`/archive/${archive.id}/streams`)
        .set('Accept', 'application/json')
        .expect(502);
      expect(res.body.error.message).toMatch(/could not be read/);
    } finally {
      only.mockRestore();
    }
  });

  it('refuses an ID that is not one', async () => {
    await request(harness.app).get('/archive/..%2Fx/streams').set('Accept', 'application/json').expect(400);
  });
});

describe('the display name in connection data', () => {
  it.each([
    ['{"name":"Ada"}', 'Ada'],
    ['name=Grace%20Hopper', 'Grace Hopper'],
    ['{"name":"A\\u202Eb\\nc"}', 'Ab c'],
    ['role=guest', null],
    ['{"name":3}', null],
    ['{broken', null],
    ['', null],
  ])('reads %p as %p', (data, name) => {
    expect(readDisplayName(data)).toBe(name);
  });
});
