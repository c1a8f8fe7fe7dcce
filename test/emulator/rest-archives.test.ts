/** REST: the archive API under /v2/project/:apiKey/archive and every error case of docs/platform.md §5.5. */
import type { FakeBrowser } from './support/fake-browser';
import { fixture } from './support/fixtures';
import { archivePath, createSession, rest } from './support/platform-client';
import { useSharedEmulator } from './support/shared-emulator';

const emu = useSharedEmulator({ limits: { finishDeadlineMs: 200 } });

async function sessionWithClient(
  form?: Record<string, string>,
): Promise<{ sessionId: string; browser: FakeBrowser }> {
  const sessionId = await createSession(emu, form);
  const browser = await emu.join(sessionId);
  return { sessionId, browser };
}

type ArchiveBody = Record<string, unknown> & { id: string; status: string };

async function startArchive(sessionId: string, extra: Record<string, unknown> = {}): Promise<ArchiveBody> {
  const res = await rest(emu, 'POST', archivePath(emu), { body: { sessionId, ...extra } });
  expect(res.status).toBe(200);
  return res.body as ArchiveBody;
}

async function waitForStatus(id: string, status: string): Promise<ArchiveBody> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const res = await rest(emu, 'GET', archivePath(emu, `/${id}`));
    const body = res.body as ArchiveBody;
    if (body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`archive still ${body.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('start', () => {
  it('answers status started with the current field set, then shows paused while nobody publishes', async () => {
    const { sessionId } = await sessionWithClient();
    const archive = await startArchive(sessionId, { name: 'Demo' });
    const expectedKeys = Object.keys(fixture<object>('archive-started-current.json'));
    expect(Object.keys(archive)).toEqual(expect.arrayContaining(expectedKeys));
    expect(archive).toMatchObject({
      status: 'started',
      name: 'Demo',
      sessionId,
      outputMode: 'composed',
      resolution: '640x480',
      reason: '',
      size: 0,
      duration: 0,
      url: null,
      hasAudio: true,
      hasVideo: true,
      streamMode: 'auto',
      projectId: Number(emu.apiKey),
    });
    expect(archive.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await rest(emu, 'GET', archivePath(emu, `/${archive.id}`))).body).toMatchObject({
      status: 'paused',
    });
  });

  it('stays started while a stream is published and name is null when none is given', async () => {
    const { sessionId, browser } = await sessionWithClient();
    await browser.publish();
    const archive = await startArchive(sessionId, { outputMode: 'individual' });
    expect(archive.name).toBeNull();
    expect(archive).not.toHaveProperty('resolution');
    expect((await rest(emu, 'GET', archivePath(emu, `/${archive.id}`))).body).toMatchObject({
      status: 'started',
    });
  });

  it('answers 400 when no client is connected', async () => {
    const sessionId = await createSession(emu);
    const res = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/No clients/);
  });

  it.each([
    [{}],
    [{ hasAudio: false, hasVideo: false }],
    [{ outputMode: 'individual', resolution: '1280x720' }],
    [{ outputMode: 'mixed' }],
    [{ resolution: '100x100' }],
    [{ layout: { type: 'custom' } }],
    [{ maxBitrate: 200000, quantizationParameter: 20 }],
  ])('answers 400 for an invalid request %j', async (extra) => {
    const { sessionId } = await sessionWithClient();
    const body = Object.keys(extra).length === 0 ? {} : { sessionId, ...extra };
    const res = await rest(emu, 'POST', archivePath(emu), { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message: expect.stringMatching(/^Invalid request/) });
  });

  it('answers 413 naming the limit for a body over 1 MiB', async () => {
    const res = await rest(emu, 'POST', archivePath(emu), { body: { name: 'x'.repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      code: -1,
      message: "Payload too large. The body exceeds the emulator's limit of 1048576 bytes.",
    });
  });

  it.each([
    ['not-a-session'],
    ['1_'],
    ['1_!!!'],
    [`1_${Buffer.from('hello').toString('base64url')}`],
    [`1_${Buffer.from('2~123456~~0~x~').toString('base64url')}`],
    [`1_${Buffer.from('1~~~0~x~').toString('base64url')}`],
  ])('answers 400, not 404, for a malformed sessionId %s (docs/platform.md §5.5)', async (sessionId) => {
    const res = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: -1,
      message: expect.stringMatching(/^Invalid request\. sessionId: not a session ID/),
    });
  });

  it('answers 404 for a well-formed but unknown session', async () => {
    for (const sessionId of [
      '1_MX4xfn5-fg',
      `1_${Buffer.from(`1~${emu.apiKey}~~0~x~~`).toString('base64url')}`,
      // Recorded platform IDs (docs/platform.md §3): the right layout, unknown here.
      '1_MX40NjI2NDk1Mn5-MTYyMjAyODA3OTgwOH44Tmd0VXR3dGlVdG1ZYjVpeDVXNGxMOGN-fg',
      '2_MX4xMjM0NTZ-fk1vbiBNYXIgMTcgMDA6NDE6MzEgUERUIDIwMTR-MC42ODM3ODk1MzQ0OTQyODA4fg',
    ]) {
      const res = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ message: expect.stringMatching(/^Not found/) });
    }
  });

  it('answers 409 for a relayed session and for a session already recording', async () => {
    const relayed = await sessionWithClient({ 'p2p.preference': 'enabled' });
    expect(
      (await rest(emu, 'POST', archivePath(emu), { body: { sessionId: relayed.sessionId } })).status,
    ).toBe(409);

    const { sessionId } = await sessionWithClient();
    await startArchive(sessionId);
    expect((await rest(emu, 'POST', archivePath(emu), { body: { sessionId } })).status).toBe(409);
    // A distinct multiArchiveTag allows a second simultaneous archive.
    const tagged = await startArchive(sessionId, { multiArchiveTag: 'second' });
    expect(tagged.multiArchiveTag).toBe('second');
  });
});

describe('stop, get, delete', () => {
  it('stops with reason "user initiated", then 409 with the recorded body on a second stop', async () => {
    const { sessionId } = await sessionWithClient();
    const archive = await startArchive(sessionId);
    const stopped = await rest(emu, 'POST', archivePath(emu, `/${archive.id}/stop`));
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      id: archive.id,
      status: 'stopped',
      reason: 'user initiated',
      url: null,
    });
    const again = await rest(emu, 'POST', archivePath(emu, `/${archive.id}/stop`), { body: {} });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(fixture('error-409-archive.json'));
  });

  it('marks an archive whose clients sent no media failed after the finish deadline', async () => {
    const { sessionId } = await sessionWithClient();
    const archive = await startArchive(sessionId);
    await rest(emu, 'POST', archivePath(emu, `/${archive.id}/stop`));
    const failed = await waitForStatus(archive.id, 'failed');
    expect(failed).toMatchObject({ reason: 'failure', url: null, size: 0 });
  });

  it('answers 404 with the recorded body for unknown archives on get, stop and delete', async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/stop'],
      ['DELETE', ''],
    ] as const) {
      const res = await rest(emu, method, archivePath(emu, `/${unknown}${suffix}`));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(fixture('error-404-archive.json'));
    }
  });

  it('refuses to delete a recording archive (409), deletes a failed one (204) and hides it from the list', async () => {
    const { sessionId } = await sessionWithClient();
    const archive = await startArchive(sessionId);
    expect((await rest(emu, 'DELETE', archivePath(emu, `/${archive.id}`))).status).toBe(409);
    await rest(emu, 'POST', archivePath(emu, `/${archive.id}/stop`));
    await waitForStatus(archive.id, 'failed');
    const deleted = await rest(emu, 'DELETE', archivePath(emu, `/${archive.id}`));
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await rest(emu, 'GET', archivePath(emu, `/${archive.id}`))).body).toMatchObject({
      status: 'deleted',
    });
    const list = await rest(emu, 'GET', archivePath(emu, `?sessionId=${encodeURIComponent(sessionId)}`));
    expect(list.body).toEqual({ count: 0, items: [] });
  });
});

describe('list', () => {
  it('lists newest first with count as the total, offset and count paging, and a sessionId filter', async () => {
    const { sessionId } = await sessionWithClient();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const archive = await startArchive(sessionId, { name: `n${i}` });
      ids.push(archive.id);
      await rest(emu, 'POST', archivePath(emu, `/${archive.id}/stop`));
      await new Promise((r) => setTimeout(r, 5));
    }
    const filter = `sessionId=${encodeURIComponent(sessionId)}`;
    const all = (await rest(emu, 'GET', archivePath(emu, `?${filter}`))).body as {
      count: number;
      items: ArchiveBody[];
    };
    expect(all.count).toBe(3);
    expect(all.items.map((a) => a.id)).toEqual([...ids].reverse());
    const page = (await rest(emu, 'GET', archivePath(emu, `?${filter}&offset=1&count=1`))).body as typeof all;
    expect(page.count).toBe(3);
    expect(page.items.map((a) => a.id)).toEqual([ids[1]]);
    const everything = (await rest(emu, 'GET', archivePath(emu))).body as typeof all;
    expect(everything.count).toBeGreaterThanOrEqual(3);
    expect((await rest(emu, 'GET', archivePath(emu, '?count=1001'))).status).toBe(400);
  });
});

describe('layout and manual streams', () => {
  it('changes the layout of a composed archive and validates it', async () => {
    const { sessionId } = await sessionWithClient();
    const archive = await startArchive(sessionId);
    const path = archivePath(emu, `/${archive.id}/layout`);
    expect((await rest(emu, 'PUT', path, { body: { type: 'pip' } })).status).toBe(200);
    expect(
      (await rest(emu, 'PUT', path, { body: { type: 'bestFit', screenshare_type: 'pip' } })).status,
    ).toBe(200);
    expect((await rest(emu, 'PUT', path, { body: { type: 'focus' } })).status).toBe(400);
    expect(
      (
        await rest(emu, 'PUT', archivePath(emu, '/00000000-0000-0000-0000-000000000000/layout'), {
          body: { type: 'pip' },
        })
      ).status,
    ).toBe(404);
  });

  it('adds and removes streams in manual mode, 405 in auto mode, 404 for unknown streams', async () => {
    const { sessionId, browser } = await sessionWithClient();
    const streamId = await browser.publish();
    const auto = await startArchive(sessionId);
    expect(
      (await rest(emu, 'PATCH', archivePath(emu, `/${auto.id}/streams`), { body: { addStream: streamId } }))
        .status,
    ).toBe(405);
    await rest(emu, 'POST', archivePath(emu, `/${auto.id}/stop`));

    const manual = await startArchive(sessionId, { streamMode: 'manual' });
    const streams = archivePath(emu, `/${manual.id}/streams`);
    expect(
      (await rest(emu, 'PATCH', streams, { body: { addStream: streamId, hasVideo: false } })).status,
    ).toBe(204);
    expect((await rest(emu, 'GET', archivePath(emu, `/${manual.id}`))).body).toMatchObject({
      streams: [{ streamId, hasAudio: true, hasVideo: false }],
    });
    expect((await rest(emu, 'PATCH', streams, { body: { addStream: 'nope' } })).status).toBe(404);
    expect((await rest(emu, 'PATCH', streams, { body: { removeStream: streamId } })).status).toBe(204);
    expect((await rest(emu, 'PATCH', streams, { body: { removeStream: streamId } })).status).toBe(404);
    expect((await rest(emu, 'PATCH', streams, { body: {} })).status).toBe(400);
  });
});
