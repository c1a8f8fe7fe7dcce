/**
 * The local client's OT API as a page script sees it, on the hello-world page without its page module: errors with
 * OpenTok.js names, signals (typed, targeted, limits), event maps/once/off, connection and stream events,
 * insertMode and sizes. The in-page script is plain JavaScript, as a page script written for OpenTok.js is.
 */
import type { Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';

const suite = useAppInChromium();
let page: Page;
let pageData: { apiKey: string; sessionId: string; token: string };

beforeAll(async () => {
  page = await suite.browser.newPage();
  // The real hello-world page (its CSP, its client script tag and page data) without its page module, so
  // the tests drive the OT API themselves.
  await page.route('**/js/hello-world.js', (route) => route.abort());
  await page.goto(`${suite.app.url}/hello-world`);
  pageData = JSON.parse((await page.locator('#page-data').textContent()) as string) as typeof pageData;
  await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<div id="box"></div>')`);
});

/** Runs an async function body in the page with `data` (the page data) in scope; returns its result. */
function inPage<T>(body: string): Promise<T> {
  return page.evaluate(`(async (data) => { ${body} })(${JSON.stringify(pageData)})`) as Promise<T>;
}

const HELPERS = `
  const call = (fn) => new Promise((resolve) => fn((error) => resolve(error ? { name: error.name, message: error.message } : null)));
  const nextEvent = (target, name, ms = 10000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ' + name + ' event')), ms);
    target.once(name, (event) => { clearTimeout(timer); resolve(event); });
  });
`;

test('errors carry OpenTok.js names and readable messages', async () => {
  const result = await inPage<Record<string, { name: string; message: string } | null>>(`${HELPERS}
    const out = {};
    out.badToken = await call((cb) => OT.initSession(data.apiKey, data.sessionId).connect('not-a-token', cb));
    const session = OT.initSession(data.apiKey, data.sessionId);
    out.signalBeforeConnect = await call((cb) => session.signal({ data: 'x' }, cb));
    const stream = { streamId: 'nope', connection: { connectionId: 'nobody' } };
    out.subscribeBeforeConnect = await call((cb) => session.subscribe(stream, undefined, {}, cb));
    out.connect = await call((cb) => session.connect(data.token, cb));
    out.unknownStream = await call((cb) => session.subscribe(stream, undefined, {}, cb));
    out.badSignalType = await call((cb) => session.signal({ type: 'not allowed!', data: 'x' }, cb));
    out.bigSignal = await call((cb) => session.signal({ type: 'big', data: 'x'.repeat(8193) }, cb));
    out.forceDisconnect = await call((cb) => session.forceDisconnect(session.connection, cb));
    session.disconnect();
    return out;
  `);
  expect(result.badToken?.name).toBe('OT_AUTHENTICATION_ERROR');
  expect(result.badToken?.message).toMatch(/token/i);
  expect(result.signalBeforeConnect?.name).toBe('OT_NOT_CONNECTED');
  expect(result.subscribeBeforeConnect?.name).toBe('OT_NOT_CONNECTED');
  expect(result.connect).toBeNull();
  expect(result.unknownStream?.name).toBe('OT_STREAM_NOT_FOUND');
  expect(result.badSignalType?.name).toBe('OT_INVALID_PARAMETER');
  expect(result.bigSignal?.name).toBe('OT_INVALID_PARAMETER');
  // a publisher token is not a moderator token
  expect(result.forceDisconnect?.name).toBe('OT_PERMISSION_DENIED');
});

test('signals reach everyone or one connection, as "signal" and "signal:<type>", with event maps, once and off', async () => {
  const result = await inPage<Record<string, unknown>>(`${HELPERS}
    const a = OT.initSession(data.apiKey, data.sessionId);
    const b = OT.initSession(data.apiKey, data.sessionId);
    const c = OT.initSession(data.apiKey, data.sessionId);
    const seen = { a: [], b: [], c: [], typedOnce: 0, offed: 0, connectedViaMap: false };
    for (const [key, s] of [['a', a], ['b', b], ['c', c]]) {
      s.on('signal', (event) => seen[key].push({ type: event.type, data: event.data, from: event.from && event.from.connectionId }));
    }
    b.once('signal:greeting', () => { seen.typedOnce += 1; });
    const offed = () => { seen.offed += 1; };
    c.on('signal:greeting', offed);
    c.off('signal:greeting', offed);
    a.on({ sessionConnected: () => { seen.connectedViaMap = true; } });
    await call((cb) => a.connect(data.token, cb));
    const createdForB = nextEvent(a, 'connectionCreated');
    await call((cb) => b.connect(data.token, cb));
    await call((cb) => c.connect(data.token, cb));
    const bConnection = (await createdForB).connection;
    await call((cb) => a.signal({ type: 'greeting', data: 'hello all' }, cb));
    await call((cb) => a.signal({ type: 'greeting', data: 'hello again' }, cb));
    await call((cb) => a.signal({ data: 'just for b', to: bConnection }, cb));
    await new Promise((r) => setTimeout(r, 500));
    const ids = { a: a.connection.connectionId, b: b.connection.connectionId, bFromEvent: bConnection.connectionId };
    a.disconnect(); b.disconnect(); c.disconnect();
    return { seen, ids };
  `);
  const { seen, ids } = result as {
    seen: Record<'a' | 'b' | 'c', Array<{ type: string; data: string; from: string }>> & {
      typedOnce: number;
      offed: number;
      connectedViaMap: boolean;
    };
    ids: { a: string; b: string; bFromEvent: string };
  };
  expect(ids.bFromEvent).toBe(ids.b);
  expect(seen.connectedViaMap).toBe(true);
  // The sender hears its own broadcast, as on the platform.
  expect(seen.a.map((s) => s.data)).toEqual(['hello all', 'hello again']);
  expect(seen.b.map((s) => s.data)).toEqual(['hello all', 'hello again', 'just for b']);
  expect(seen.c.map((s) => s.data)).toEqual(['hello all', 'hello again']);
  expect(seen.b[0]).toEqual({ type: 'signal:greeting', data: 'hello all', from: ids.a });
  expect(seen.b[2]).toEqual({ type: 'signal', data: 'just for b', from: ids.a });
  expect(seen.typedOnce).toBe(1);
  expect(seen.offed).toBe(0);
});

test('streams and connections come and go for the others; the publisher fires its own stream events', async () => {
  const result = await inPage<Record<string, unknown>>(`${HELPERS}
    const watcher = OT.initSession(data.apiKey, data.sessionId);
    const sender = OT.initSession(data.apiKey, data.sessionId);
    await call((cb) => watcher.connect(data.token, cb));
    const joined = nextEvent(watcher, 'connectionCreated');
    await call((cb) => sender.connect(data.token, cb));
    await joined;
    const publisher = OT.initPublisher(undefined, { name: 'sender cam', insertDefaultUI: true });
    const ownCreated = nextEvent(publisher, 'streamCreated');
    const created = nextEvent(watcher, 'streamCreated');
    const publishError = await call((cb) => sender.publish(publisher, cb));
    const ownStream = (await ownCreated).stream;
    const stream = (await created).stream;
    const subscriber = watcher.subscribe(stream, document.getElementById('box'), { insertMode: 'append' });
    await new Promise((resolve) => {
      const started = Date.now();
      const poll = () => (subscriber.videoWidth() > 0 || Date.now() - started > 15000 ? resolve() : setTimeout(poll, 100));
      poll();
    });
    const subscriberWidth = subscriber.videoWidth();
    const destroyed = nextEvent(watcher, 'streamDestroyed');
    const ownDestroyed = nextEvent(publisher, 'streamDestroyed');
    sender.unpublish(publisher);
    const destroyedEvent = await destroyed;
    const ownDestroyedEvent = await ownDestroyed;
    await new Promise((r) => setTimeout(r, 100));
    const subscriberGone = document.querySelectorAll('#box .OT_subscriber').length === 0;
    const left = nextEvent(watcher, 'connectionDestroyed');
    sender.disconnect();
    const leftEvent = await left;
    watcher.disconnect();
    return {
      publishError,
      sameStream: ownStream.streamId === stream.streamId,
      name: stream.name,
      hasVideo: stream.hasVideo,
      connectionMatches: stream.connection.connectionId === leftEvent.connection.connectionId,
      subscriberWidth,
      destroyedReason: destroyedEvent.reason,
      ownDestroyedReason: ownDestroyedEvent.reason,
      subscriberGone,
      publisherGone: publisher.element === undefined,
      leftReason: leftEvent.reason,
    };
  `);
  expect(result).toEqual({
    publishError: null,
    sameStream: true,
    name: 'sender cam',
    hasVideo: true,
    connectionMatches: true,
    subscriberWidth: 640,
    destroyedReason: 'unpublished',
    ownDestroyedReason: 'unpublished',
    subscriberGone: true,
    publisherGone: true,
    leftReason: 'clientDisconnected',
  });
});

test('insertMode and width/height place the widget as OpenTok.js does', async () => {
  const result = await inPage<Record<string, unknown>>(`${HELPERS}
    const box = document.getElementById('box');
    const place = async (mode, size) => {
      box.innerHTML = '<span id="before-me"></span><div id="target"></div><span id="after-me"></span>';
      const target = document.getElementById('target');
      const publisher = OT.initPublisher('target', { insertMode: mode, ...size });
      const error = await new Promise((resolve) => publisher.once('accessAllowed', () => resolve(null)));
      const el = publisher.element;
      const out = {
        error,
        className: el.className,
        width: el.style.width,
        height: el.style.height,
        videoMuted: el.querySelector('video').muted,
        parentIsTarget: el.parentElement === target,
        previous: el.previousElementSibling && el.previousElementSibling.id,
        next: el.nextElementSibling && el.nextElementSibling.id,
        targetStillThere: document.getElementById('target') === target,
        id: el.id,
      };
      publisher.destroy();
      out.removedOnDestroy = !box.contains(el);
      return out;
    };
    return {
      append: await place('append', { width: 320, height: 240 }),
      before: await place('before', { width: '50%', height: '100px' }),
      after: await place('after', {}),
      replace: await place('replace', {}),
      requirements: OT.checkSystemRequirements(),
    };
  `);
  const r = result as Record<string, Record<string, unknown>> & { requirements: number };
  expect(r.requirements).toBe(1);
  expect(r.append).toMatchObject({ parentIsTarget: true, width: '320px', height: '240px', videoMuted: true });
  expect(String(r.append?.className)).toContain('OT_publisher');
  expect(r.before).toMatchObject({
    parentIsTarget: false,
    next: 'target',
    previous: 'before-me',
    width: '50%',
    height: '100px',
  });
  // OpenTok.js's default size
  expect(r.after).toMatchObject({ previous: 'target', next: 'after-me', width: '264px', height: '198px' });
  expect(r.replace).toMatchObject({
    targetStillThere: false,
    id: 'target',
    previous: 'before-me',
    next: 'after-me',
  });
  for (const mode of ['append', 'before', 'after', 'replace']) expect(r[mode]?.removedOnDestroy).toBe(true);
});

test('initPublisher takes its target and properties as optional, as OpenTok.js does', async () => {
  const result = await inPage<Record<string, unknown>>(`${HELPERS}
    const box = document.getElementById('box');
    box.innerHTML = '<div id="target"></div>';
    const settle = (make) =>
      new Promise((resolve) => {
        let publisher;
        publisher = make((error) => resolve({ error: error ? error.name : null, publisher }));
      }).then(({ error, publisher }) => {
        const out = {
          error,
          width: publisher.element.style.width,
          inBody: publisher.element.parentElement === document.body,
        };
        publisher.destroy();
        return out;
      });
    return {
      propsAndCallback: await settle((cb) => OT.initPublisher({ name: 'only props', width: 111 }, cb)),
      callbackOnly: await settle((cb) => OT.initPublisher(cb)),
      targetAndCallback: await settle((cb) => OT.initPublisher('target', cb)),
    };
  `);
  expect(result).toMatchObject({
    propsAndCallback: { error: null, width: '111px', inBody: true },
    callbackOnly: { error: null, width: '264px', inBody: true },
    targetAndCallback: { error: null, width: '264px', inBody: false },
  });
});
