/**
 * The local client's OT API as a page script sees it, on the hello-world page without its page module: errors with
 * OpenTok.js names, signals (typed, targeted, limits), event maps/once/off, connection and stream events,
 * insertMode and sizes, mute and unmute, a lost network, a refused camera. The in-page script is plain
 * JavaScript, as a page script written for OpenTok.js is.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { useAppInChromium } from './helpers/app-in-chromium';
import { CHROMIUM_PATH, chromiumArgs } from './helpers/chromium';
import { startCuttableProxy } from './helpers/cuttable-proxy';

const suite = useAppInChromium();
let page: Page;
let pageData: PageData;

interface PageData {
  apiKey: string;
  sessionId: string;
  token: string;
}

/**
 * The real hello-world page (its CSP, its client script tag and page data) without its page module, so the
 * tests drive the OT API themselves; `#box` is where they put widgets.
 */
async function openBarePage(browser: Browser, origin: string): Promise<{ page: Page; data: PageData }> {
  const bare = await browser.newPage();
  await bare.route('**/js/hello-world.js', (route) => route.abort());
  await bare.goto(`${origin}/hello-world`);
  const data = JSON.parse((await bare.locator('#page-data').textContent()) as string) as PageData;
  await bare.evaluate(`document.body.insertAdjacentHTML('beforeend', '<div id="box"></div>')`);
  return { page: bare, data };
}

beforeAll(async () => {
  ({ page, data: pageData } = await openBarePage(suite.browser, suite.app.url));
});

/** Runs an async function body in the page with `data` (the page data) in scope; returns its result. */
function inPage<T>(body: string, on: { page: Page; data: PageData } = { page, data: pageData }): Promise<T> {
  return on.page.evaluate(`(async (data) => { ${body} })(${JSON.stringify(on.data)})`) as Promise<T>;
}

const HELPERS = `
  const call = (fn) => new Promise((resolve) => fn((error) => resolve(error ? { name: error.name, message: error.message } : null)));
  const nextEvent = (target, name, ms = 10000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ' + name + ' event')), ms);
    target.once(name, (event) => { clearTimeout(timer); resolve(event); });
  });
  const waitUntil = (test, ms = 15000) => new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => test() ? resolve() : Date.now() - started > ms ? reject(new Error('timed out: ' + test)) : setTimeout(poll, 100);
    poll();
  });
  // Mean brightness (0–255) of what a video element shows now.
  const brightness = (video) => {
    const canvas = document.createElement('canvas');
    canvas.width = 32; canvas.height = 24;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(video, 0, 0, 32, 24);
    const px = ctx.getImageData(0, 0, 32, 24).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) sum += px[i] + px[i + 1] + px[i + 2];
    return sum / (px.length / 4) / 3;
  };
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

test('muting the microphone and camera reaches the other page: streamPropertyChanged, flags, a black picture', async () => {
  const other = await openBarePage(suite.browser, suite.app.url);
  try {
    await inPage(`${HELPERS}
      const session = OT.initSession(data.apiKey, data.sessionId);
      window.__own = { session, changes: [] };
      session.on('streamPropertyChanged', (e) => window.__own.changes.push([e.changedProperty, e.oldValue, e.newValue]));
      await call((cb) => session.connect(data.token, cb));
    `);
    await inPage(
      `${HELPERS}
      const session = OT.initSession(data.apiKey, data.sessionId);
      const changes = [];
      window.__watch = { session, changes };
      session.on('streamPropertyChanged', (e) => changes.push({
        property: e.changedProperty, oldValue: e.oldValue, newValue: e.newValue,
        sameStream: e.stream === window.__watch.stream,
        hasAudio: e.stream.hasAudio, hasVideo: e.stream.hasVideo,
      }));
      await call((cb) => session.connect(data.token, cb));
      // Subscribes to the stream the first page publishes next.
      session.once('streamCreated', (e) => {
        window.__watch.stream = e.stream;
        window.__watch.subscriber = session.subscribe(e.stream, document.getElementById('box'), { insertMode: 'append' });
      });
    `,
      other,
    );
    await inPage(`${HELPERS}
      const publisher = OT.initPublisher(document.getElementById('box'), { insertMode: 'append', name: 'muting cam' });
      window.__own.publisher = publisher;
      const error = await call((cb) => window.__own.session.publish(publisher, cb));
      if (error) throw new Error(error.message);
    `);
    const before = await inPage<{ bright: number; hasAudio: boolean }>(
      `${HELPERS}
      await waitUntil(() => window.__watch && window.__watch.subscriber && window.__watch.subscriber.videoWidth() > 0, 20000);
      const video = window.__watch.subscriber.element.querySelector('video');
      await waitUntil(() => brightness(video) > 20);
      return { bright: brightness(video), hasAudio: window.__watch.stream.hasAudio };
    `,
      other,
    );
    expect(before.hasAudio).toBe(true);

    await inPage(`
      window.__own.publisher.publishAudio(false);
      window.__own.publisher.publishVideo(false);
    `);
    const muted = await inPage<Record<string, unknown>>(
      `${HELPERS}
      await waitUntil(() => window.__watch.changes.length >= 2);
      const video = window.__watch.subscriber.element.querySelector('video');
      // Black frames replace the camera's picture.
      await waitUntil(() => brightness(video) < 5);
      const late = OT.initSession(data.apiKey, data.sessionId);
      const created = nextEvent(late, 'streamCreated');
      await call((cb) => late.connect(data.token, cb));
      const lateStream = (await created).stream;
      late.disconnect();
      return {
        changes: window.__watch.changes,
        hasAudio: window.__watch.stream.hasAudio,
        hasVideo: window.__watch.stream.hasVideo,
        lateJoiner: { hasAudio: lateStream.hasAudio, hasVideo: lateStream.hasVideo },
      };
    `,
      other,
    );
    expect(muted).toEqual({
      changes: [
        {
          property: 'hasAudio',
          oldValue: true,
          newValue: false,
          sameStream: true,
          hasAudio: false,
          hasVideo: true,
        },
        {
          property: 'hasVideo',
          oldValue: true,
          newValue: false,
          sameStream: true,
          hasAudio: false,
          hasVideo: false,
        },
      ],
      hasAudio: false,
      hasVideo: false,
      lateJoiner: { hasAudio: false, hasVideo: false },
    });

    await inPage(`window.__own.publisher.publishVideo(true);`);
    const unmuted = await inPage<{ hasVideo: boolean; bright: number }>(
      `${HELPERS}
      await waitUntil(() => window.__watch.changes.length >= 3);
      const video = window.__watch.subscriber.element.querySelector('video');
      await waitUntil(() => brightness(video) > 20);
      return { hasVideo: window.__watch.stream.hasVideo, bright: brightness(video) };
    `,
      other,
    );
    expect(unmuted.hasVideo).toBe(true);
    // The publishing page hears of its own changes too, as in OpenTok.js.
    const own = await inPage<{ changes: unknown[]; streamFlags: unknown }>(`
      const out = {
        changes: window.__own.changes,
        streamFlags: { hasAudio: window.__own.publisher.stream.hasAudio, hasVideo: window.__own.publisher.stream.hasVideo },
      };
      window.__own.session.disconnect();
      window.__own.publisher.destroy();
      return out;
    `);
    expect(own).toEqual({
      changes: [
        ['hasAudio', true, false],
        ['hasVideo', true, false],
        ['hasVideo', false, true],
      ],
      streamFlags: { hasAudio: false, hasVideo: true },
    });

    // A publisher created muted publishes a stream that starts muted.
    const startedMuted = await inPage<{ hasAudio: boolean; hasVideo: boolean }>(
      `${HELPERS}
      const created = nextEvent(window.__watch.session, 'streamCreated');
      const sender = OT.initSession(data.apiKey, data.sessionId);
      await call((cb) => sender.connect(data.token, cb));
      const publisher = OT.initPublisher(document.getElementById('box'), { insertMode: 'append', publishAudio: false, publishVideo: false });
      const error = await call((cb) => sender.publish(publisher, cb));
      if (error) throw new Error(error.message);
      const stream = (await created).stream;
      sender.disconnect();
      publisher.destroy();
      window.__watch.session.disconnect();
      return { hasAudio: stream.hasAudio, hasVideo: stream.hasVideo };
    `,
      other,
    );
    expect(startedMuted).toEqual({ hasAudio: false, hasVideo: false });
  } finally {
    await other.page.close();
  }
});

test('a network that goes silent or closes: sessionReconnecting within 3 s, then the same connection is back', async () => {
  const link = await startCuttableProxy(suite.app.url);
  const proxied = await openBarePage(suite.browser, link.url);
  try {
    await inPage(`${HELPERS}
      const watcher = OT.initSession(data.apiKey, data.sessionId);
      window.__watcher = { session: watcher, left: [] };
      watcher.on('connectionDestroyed', (e) => window.__watcher.left.push(e.connection.connectionId));
      await call((cb) => watcher.connect(data.token, cb));
    `);
    const connectionId = await inPage<string>(
      `${HELPERS}
      const session = OT.initSession(data.apiKey, data.sessionId);
      window.__net = { session, events: [] };
      for (const name of ['sessionReconnecting', 'sessionReconnected', 'sessionDisconnected']) {
        session.on(name, (e) => window.__net.events.push({ name, at: performance.now(), reason: e.reason }));
      }
      const error = await call((cb) => session.connect(data.token, cb));
      if (error) throw new Error(error.message);
      return session.connection.connectionId;
    `,
      proxied,
    );
    // Let the first pings go back and forth, as on a call that has been running a while.
    await proxied.page.waitForTimeout(1500);

    /** Takes the network away with `how` and reports how long the page took to say it is reconnecting. */
    const lose = async (how: () => void) => {
      const before = (await proxied.page.evaluate(
        '({ at: performance.now(), count: window.__net.events.length })',
      )) as { at: number; count: number };
      how();
      return inPage<{ reconnectingAfterMs: number; event: string }>(
        `${HELPERS}
        await waitUntil(() => window.__net.events.length > ${String(before.count)}, 10000);
        const first = window.__net.events[${String(before.count)}];
        return { reconnectingAfterMs: first.at - ${String(before.at)}, event: first.name };
      `,
        proxied,
      );
    };
    const backAgain = () =>
      inPage<{ events: string[]; connectionId: string }>(
        `${HELPERS}
        await waitUntil(() => window.__net.events.at(-1).name !== 'sessionReconnecting', 20000);
        return { events: window.__net.events.map((e) => e.name), connectionId: window.__net.session.connection.connectionId };
      `,
        proxied,
      );

    // Packets dropped: nothing closes, only the missing answers tell.
    const silent = await lose(() => link.silence());
    expect(silent.event).toBe('sessionReconnecting');
    expect(silent.reconnectingAfterMs).toBeLessThanOrEqual(3500);
    await proxied.page.waitForTimeout(1000);
    link.restore();
    expect(await backAgain()).toEqual({
      events: ['sessionReconnecting', 'sessionReconnected'],
      connectionId,
    });

    // The connection closed, as when the server stops: noticed at once.
    const closed = await lose(() => link.cut(1000));
    expect(closed.event).toBe('sessionReconnecting');
    expect(closed.reconnectingAfterMs).toBeLessThanOrEqual(1000);
    expect(await backAgain()).toEqual({
      events: ['sessionReconnecting', 'sessionReconnected', 'sessionReconnecting', 'sessionReconnected'],
      connectionId,
    });
    // The others never saw it leave.
    expect(await inPage<string[]>(`return window.__watcher.left;`)).toEqual([]);

    // Down for longer than the client keeps trying: the session ends as a network loss.
    link.cut(25_000);
    const ended = await inPage<{ name: string; reason: string }>(
      `${HELPERS}
      await waitUntil(() => window.__net.events.at(-1).name === 'sessionDisconnected', 30000);
      return window.__net.events.at(-1);
    `,
      proxied,
    );
    expect(ended).toMatchObject({ name: 'sessionDisconnected', reason: 'networkDisconnected' });
    await inPage(`window.__watcher.session.disconnect();`);
  } finally {
    await proxied.page.close();
    await link.close();
  }
});

test('a refused camera: initPublisher reports OT_USER_MEDIA_ACCESS_DENIED and accessDenied, and the page still sees the others', async () => {
  // Without camera access Chromium hides the page's addresses behind mDNS names, which nothing resolves in the
  // loopback-only network of these tests (a real network does): shown as is, the page could reach no one.
  const refusing = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...chromiumArgs({ grantMedia: false }), '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  try {
    const bare = await openBarePage(refusing, suite.app.url);
    await inPage(`${HELPERS}
      const session = OT.initSession(data.apiKey, data.sessionId);
      window.__sender = { session };
      await call((cb) => session.connect(data.token, cb));
    `);
    const result = await inPage<Record<string, unknown>>(
      `${HELPERS}
      const session = OT.initSession(data.apiKey, data.sessionId);
      let denied = null;
      let initError = null;
      const publisher = await new Promise((resolve) => {
        const p = OT.initPublisher(document.getElementById('box'), { insertMode: 'append' }, (error) => {
          initError = error ? { name: error.name, message: error.message } : null;
          resolve(p);
        });
        p.on('accessDenied', (e) => { denied = { type: e.type }; });
      });
      const created = nextEvent(session, 'streamCreated', 20000);
      const connectError = await call((cb) => session.connect(data.token, cb));
      const publishError = await call((cb) => session.publish(publisher, cb));
      window.__refused = { session, created };
      return { initError, denied, connectError, publishError, connected: session.connection !== undefined };
    `,
      bare,
    );
    expect(result).toMatchObject({
      initError: { name: 'OT_USER_MEDIA_ACCESS_DENIED', message: expect.stringMatching(/camera/i) },
      denied: { type: 'accessDenied' },
      connectError: null,
      publishError: { name: 'OT_USER_MEDIA_ACCESS_DENIED' },
      connected: true,
    });
    await inPage(`${HELPERS}
      const publisher = OT.initPublisher(document.getElementById('box'), { insertMode: 'append' });
      window.__sender.publisher = publisher;
      const error = await call((cb) => window.__sender.session.publish(publisher, cb));
      if (error) throw new Error(error.message);
    `);
    const watched = await inPage<{ subscribeError: unknown; videoWidth: number }>(
      `${HELPERS}
      const stream = (await window.__refused.created).stream;
      let subscriber;
      const subscribeError = await call((cb) => { subscriber = window.__refused.session.subscribe(stream, document.getElementById('box'), { insertMode: 'append' }, cb); });
      await waitUntil(() => subscriber.videoWidth() > 0, 20000);
      const videoWidth = subscriber.videoWidth();
      window.__refused.session.disconnect();
      return { subscribeError, videoWidth };
    `,
      bare,
    );
    expect(watched).toEqual({ subscribeError: null, videoWidth: 640 });
    await inPage(`window.__sender.session.disconnect(); window.__sender.publisher.destroy();`);
  } finally {
    await refusing.close();
  }
});
