/**
 * REST: the streams of a session and their layout classes (list, get, set class lists) with both credential
 * flavours, and what the recorder of a composed archive is told to draw when the layout or a class list changes.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import type { ArchiveLayoutEvent, ServerMessage } from '../../src/protocol/realtime';
import { signApplicationClientToken, signApplicationRestJwt } from './support/application-tokens';
import { FakeBrowser, realtimeUrlOf } from './support/fake-browser';
import { archivePath, createSession, rest, type Project } from './support/platform-client';
import { useSharedEmulator } from './support/shared-emulator';

const emu = useSharedEmulator({ limits: { finishDeadlineMs: 200 } });
const joined: FakeBrowser[] = [];
afterEach(() => Promise.all(joined.splice(0).map((b) => b.leave())));

const streamsPath = (sessionId: string, suffix = '', owner = emu.apiKey) =>
  `/v2/project/${owner}/session/${encodeURIComponent(sessionId)}/stream${suffix}`;

interface StreamJson {
  id: string;
  videoType: string;
  name: string;
  layoutClassList: string[];
}

/** A project's client token as opentok-node writes it, with the given initial layout classes (§4.3). */
async function projectToken(project: Project, sessionId: string, initialClasses = ''): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: project.apiKey,
    ist: 'project',
    session_id: sessionId,
    create_time: nowS,
    expire_time: nowS + 3600,
    nonce: Math.random(),
    role: 'publisher',
    initial_layout_class_list: initialClasses,
    scope: 'session.connect',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 3600)
    .sign(new TextEncoder().encode(project.apiSecret));
}

async function join(apiKey: string, sessionId: string, token: string): Promise<FakeBrowser> {
  const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), { apiKey, sessionId, token });
  joined.push(browser);
  return browser;
}

async function joinAndPublish(sessionId: string, initialClasses = ''): Promise<[FakeBrowser, string]> {
  const browser = await join(emu.apiKey, sessionId, await projectToken(emu, sessionId, initialClasses));
  return [browser, await browser.publish(`camera of ${initialClasses || 'nobody'}`)];
}

const layoutEvents = (browser: FakeBrowser): ArchiveLayoutEvent[] =>
  browser.received.filter((m): m is ArchiveLayoutEvent => m.type === 'archiveLayout');

/** Waits for the `count`-th archiveLayout message the browser received and returns it. */
async function nthLayoutEvent(browser: FakeBrowser, count: number): Promise<ArchiveLayoutEvent> {
  await browser.waitFor(() => layoutEvents(browser).length >= count);
  return layoutEvents(browser)[count - 1] as ArchiveLayoutEvent;
}

describe('project credentials', () => {
  it("lists the session's live streams, each starting with its token's initial layout classes", async () => {
    const sessionId = await createSession(emu);
    const [, focused] = await joinAndPublish(sessionId, 'focus  full');
    const [, plain] = await joinAndPublish(sessionId);

    const list = await rest(emu, 'GET', streamsPath(sessionId));
    expect(list.status).toBe(200);
    const body = list.body as { count: number; items: StreamJson[] };
    expect(body.count).toBe(2);
    expect(body.items).toEqual(
      expect.arrayContaining([
        {
          id: focused,
          videoType: 'camera',
          name: 'camera of focus  full',
          layoutClassList: ['focus', 'full'],
        },
        { id: plain, videoType: 'camera', name: 'camera of nobody', layoutClassList: [] },
      ]),
    );
    const one = await rest(emu, 'GET', streamsPath(sessionId, `/${focused}`));
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      id: focused,
      videoType: 'camera',
      name: 'camera of focus  full',
      layoutClassList: ['focus', 'full'],
    });
  });

  it('sets class lists all or nothing, and a stream keeps its classes over a resume until it ends', async () => {
    const sessionId = await createSession(emu);
    const [, first] = await joinAndPublish(sessionId, 'focus');
    const [second, secondId] = await joinAndPublish(sessionId);

    const moved = await rest(emu, 'PUT', streamsPath(sessionId), {
      body: {
        items: [
          { id: first, layoutClassList: [] },
          { id: secondId, layoutClassList: ['focus', 'speaker'] },
        ],
      },
    });
    expect(moved.status).toBe(200);
    const classesOf = async (streamId: string) =>
      ((await rest(emu, 'GET', streamsPath(sessionId, `/${streamId}`))).body as StreamJson).layoutClassList;
    expect(await classesOf(first)).toEqual([]);
    expect(await classesOf(secondId)).toEqual(['focus', 'speaker']);

    // One unknown stream: 404 naming it, and the known one is left as it was.
    const partly = await rest(emu, 'PUT', streamsPath(sessionId), {
      body: {
        items: [
          { id: first, layoutClassList: ['focus'] },
          { id: 'no-such-stream', layoutClassList: ['focus'] },
        ],
      },
    });
    expect(partly.status).toBe(404);
    expect(partly.body).toEqual({ code: -1, message: expect.stringContaining('no-such-stream') });
    expect(await classesOf(first)).toEqual([]);

    // A network blip: the client resumes its connection, and its stream its classes.
    const connectionId = second.connectionId;
    const resumeKey = second.uploadKey;
    await second.cut();
    const back = await FakeBrowser.join(realtimeUrlOf(emu.url), {
      apiKey: emu.apiKey,
      sessionId,
      token: await projectToken(emu, sessionId),
      resumeConnectionId: connectionId,
      resumeKey,
    });
    joined.push(back);
    expect(back.connected?.resumed).toBe(true);
    expect(await classesOf(secondId)).toEqual(['focus', 'speaker']);

    await back.request({ type: 'unpublish', streamId: secondId });
    expect((await rest(emu, 'GET', streamsPath(sessionId, `/${secondId}`))).status).toBe(404);
    expect(((await rest(emu, 'GET', streamsPath(sessionId))).body as { count: number }).count).toBe(1);
  });

  it.each([
    ['no items', {}],
    ['an empty items array', { items: [] }],
    ['a stream without an id', { items: [{ layoutClassList: ['focus'] }] }],
    ['a class list that is not an array', { items: [{ id: 'S', layoutClassList: 'focus' }] }],
    ['a class name with a space', { items: [{ id: 'S', layoutClassList: ['focus full'] }] }],
    ['an empty class name', { items: [{ id: 'S', layoutClassList: [''] }] }],
    ['a class list over 1024 characters', { items: [{ id: 'S', layoutClassList: ['x'.repeat(1025)] }] }],
  ])('refuses %s with 400 and the platform error body', async (_case, body) => {
    const sessionId = await createSession(emu);
    const res = await rest(emu, 'PUT', streamsPath(sessionId), { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: -1, message: expect.stringMatching(/^Invalid request\. \S/) });
  });

  it('answers 404 for an unknown session or stream, and 403 without a REST JWT or with a client token', async () => {
    const sessionId = await createSession(emu);
    const [, streamId] = await joinAndPublish(sessionId);
    const unknownSession = '1_MX4xMDAwMDAwMDF-fk5vdCBhIHNlc3Npb24-MC4xfn4';
    expect((await rest(emu, 'GET', streamsPath(unknownSession))).status).toBe(404);
    expect((await rest(emu, 'GET', streamsPath(unknownSession, `/${streamId}`))).status).toBe(404);
    expect(
      (
        await rest(emu, 'PUT', streamsPath(unknownSession), {
          body: { items: [{ id: streamId, layoutClassList: [] }] },
        })
      ).status,
    ).toBe(404);
    // A stream of another session is not in this one.
    const otherSession = await createSession(emu);
    expect((await rest(emu, 'GET', streamsPath(otherSession, `/${streamId}`))).status).toBe(404);
    expect((await rest(emu, 'GET', streamsPath(sessionId, '/not-a-stream'))).status).toBe(404);

    expect((await rest(emu, 'GET', streamsPath(sessionId), { jwt: null })).status).toBe(403);
    const clientToken = await projectToken(emu, sessionId);
    expect((await rest(emu, 'GET', streamsPath(sessionId), { jwt: clientToken })).status).toBe(403);
    expect(
      (
        await rest(emu, 'PUT', streamsPath(sessionId), {
          jwt: clientToken,
          body: { items: [{ id: streamId, layoutClassList: ['focus'] }] },
        })
      ).status,
    ).toBe(403);
  });
});

describe('application credentials', () => {
  let privateKey: KeyObject;
  beforeAll(() => {
    privateKey = createPrivateKey(readFileSync(emu.emulator.privateKeyPath));
  });

  const appCall = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await signApplicationRestJwt(emu.emulator.applicationId, privateKey)}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };

  it("lists, gets and sets the classes of its own sessions' streams; each side sees only its own", async () => {
    const appId = emu.emulator.applicationId;
    const created = await fetch(`${emu.url}/session/create`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${await signApplicationRestJwt(appId, privateKey)}`,
      },
      body: 'p2p.preference=disabled',
    });
    const sessionId = ((await created.json()) as Array<{ session_id: string }>)[0]!.session_id;
    const token = await signApplicationClientToken(appId, privateKey, sessionId, {
      initial_layout_class_list: 'focus',
    });
    const browser = await join(appId, sessionId, token);
    const streamId = await browser.publish();

    expect(await appCall('GET', streamsPath(sessionId, '', appId))).toEqual({
      status: 200,
      body: {
        count: 1,
        items: [{ id: streamId, videoType: 'camera', name: 'camera', layoutClassList: ['focus'] }],
      },
    });
    const set = await appCall('PUT', streamsPath(sessionId, '', appId), {
      items: [{ id: streamId, layoutClassList: ['full'] }],
    });
    expect(set.status).toBe(200);
    expect((await appCall('GET', streamsPath(sessionId, `/${streamId}`, appId))).body).toMatchObject({
      layoutClassList: ['full'],
    });

    // The project does not see the application's session, and the application not the project's.
    expect((await rest(emu, 'GET', streamsPath(sessionId))).status).toBe(404);
    const projectSession = await createSession(emu);
    expect((await appCall('GET', streamsPath(projectSession, '', appId))).status).toBe(404);
  });
});

describe('what the recorder of a composed archive is told to draw', () => {
  it('hears the layout and the class lists on its election and on every change', async () => {
    const sessionId = await createSession(emu);
    const [recorder, own] = await joinAndPublish(sessionId);
    const start = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
    expect(start.status).toBe(200);
    const archiveId = (start.body as { id: string }).id;

    await recorder.waitFor((m) => m.type === 'recorderElected');
    expect(await nthLayoutEvent(recorder, 1)).toEqual({
      type: 'archiveLayout',
      archiveId,
      layout: { type: 'bestFit' },
      streamClasses: { [own]: [] },
    });
    const order = recorder.received.map((m: ServerMessage) => m.type);
    expect(order.indexOf('recorderElected')).toBeLessThan(order.indexOf('archiveLayout'));

    // Someone publishes while recording, with classes from the token.
    const [, guest] = await joinAndPublish(sessionId, 'focus');
    expect((await nthLayoutEvent(recorder, 2)).streamClasses).toEqual({ [own]: [], [guest]: ['focus'] });

    const layout = await rest(emu, 'PUT', archivePath(emu, `/${archiveId}/layout`), {
      body: { type: 'horizontalPresentation' },
    });
    expect(layout.status).toBe(200);
    expect((await nthLayoutEvent(recorder, 3)).layout).toEqual({ type: 'horizontalPresentation' });

    await rest(emu, 'PUT', streamsPath(sessionId), {
      body: {
        items: [
          { id: own, layoutClassList: ['focus'] },
          { id: guest, layoutClassList: [] },
        ],
      },
    });
    expect(await nthLayoutEvent(recorder, 4)).toEqual({
      type: 'archiveLayout',
      archiveId,
      layout: { type: 'horizontalPresentation' },
      streamClasses: { [own]: ['focus'], [guest]: [] },
    });

    const stylesheet = 'stream.focus { width: 100%; height: 100%; }';
    await rest(emu, 'PUT', archivePath(emu, `/${archiveId}/layout`), {
      body: { type: 'custom', stylesheet },
    });
    expect((await nthLayoutEvent(recorder, 5)).layout).toEqual({ type: 'custom', stylesheet });

    await rest(emu, 'POST', archivePath(emu, `/${archiveId}/stop`));
    // A stopped archive's layout no longer changes: the platform's invalid request, not a conflict.
    const late = await rest(emu, 'PUT', archivePath(emu, `/${archiveId}/layout`), { body: { type: 'pip' } });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ code: -1, message: expect.stringMatching(/^Invalid request\./) });
  });

  it('tells a recorder taking over the layout as it is, not the default', async () => {
    const sessionId = await createSession(emu);
    const [first] = await joinAndPublish(sessionId);
    const [second, secondStream] = await joinAndPublish(sessionId);
    const start = await rest(emu, 'POST', archivePath(emu), {
      body: { sessionId, layout: { type: 'pip' } },
    });
    const archiveId = (start.body as { id: string }).id;
    await rest(emu, 'PUT', streamsPath(sessionId), {
      body: { items: [{ id: secondStream, layoutClassList: ['focus'] }] },
    });
    await first.waitFor((m) => m.type === 'recorderElected');
    expect(layoutEvents(second)).toEqual([]);

    await first.leave();
    await second.waitFor((m) => m.type === 'recorderElected');
    expect(await nthLayoutEvent(second, 1)).toEqual({
      type: 'archiveLayout',
      archiveId,
      layout: { type: 'pip' },
      streamClasses: { [secondStream]: ['focus'] },
    });
  });
});
