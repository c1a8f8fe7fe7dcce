/**
 * Two instances of the app behind one Redis, against one platform: requests alternate between them, as a load
 * balancer would send them, and Redis goes away and comes back while they run.
 */
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';
import { readCsrfToken, readPageData } from '../app/helpers/app-harness';
import { jsonReply, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET } from '../helpers/platform-fixtures';
import { startRedisServer, type TestRedis } from '../helpers/redis-server';

jest.setTimeout(60_000);

const RECOVERY_LIMIT_MS = 10_000;
const POLL_MS = 20;
const DOWN_MS = 3000;

let redis: TestRedis;
let platform: FakePlatform;
let instances: RunningServer[] = [];
let sessionsCreated = 0;

function start(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({
    API_KEY,
    API_SECRET,
    OPENTOK_API_URL: platform.url,
    REDIS_URL: redis.url,
    PORT: '0',
    ...extraEnv,
  });
  return startServer(config, pino({ level: 'silent' }));
}

/** The platform's shape: a prefix, then base64url of "1~apiKey~location~time~random~". */
const newSessionId = (n: number) =>
  `1_${Buffer.from(`1~${API_KEY}~~${Date.now()}~session-${n}~`).toString('base64url')}`;

const sessionCreates = () => platform.requests.filter((r) => r.path === '/session/create').length;

beforeAll(async () => {
  redis = await startRedisServer();
  platform = await startFakePlatform();
  // Each create returns a new ID, so two creates could not hide behind one answer.
  platform.answer((req) =>
    req.path === '/session/create'
      ? jsonReply(200, [{ session_id: newSessionId(++sessionsCreated), project_id: API_KEY }])
      : 'healthy',
  );
  instances = [await start(), await start()];
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await platform?.close();
  await redis?.close();
});

/** The page's cookie, to send back as a browser would. */
const cookieOf = (res: request.Response): string[] => res.get('Set-Cookie') ?? [];

const on = (i: number) => request(instances[i % instances.length]!.url);
/** A state change sent to instance `i` with the cookie and CSRF token of `page`. */
const postWithPage = (i: number, path: string, page: request.Response) =>
  on(i).post(path).set('Cookie', cookieOf(page)).set('x-csrf-token', readCsrfToken(page.text)).send({});

describe('two instances sharing one Redis', () => {
  let archivingSessionId: string;

  it('creates one session at the platform for 50 concurrent first requests spread over both', async () => {
    const pages = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        on(i)
          .get(i % 4 < 2 ? '/participant' : '/host')
          .expect(200),
      ),
    );
    const ids = new Set(pages.map((page) => readPageData(page.text).sessionId));
    console.log(`sessions created at the platform for 50 concurrent first requests: ${sessionCreates()}`);
    expect(sessionCreates()).toBe(1);
    expect(ids.size).toBe(1);
    archivingSessionId = [...ids][0]!;
  });

  it('gives each demo its own session, the same on both instances', async () => {
    const a = readPageData((await on(0).get('/hello-world').expect(200)).text).sessionId;
    const b = readPageData((await on(1).get('/hello-world').expect(200)).text).sessionId;
    expect(a).toBe(b);
    expect(a).not.toBe(archivingSessionId);
    expect(sessionCreates()).toBe(2);
    for (let i = 0; i < 6; i++) {
      expect(readPageData((await on(i).get('/participant').expect(200)).text).sessionId).toBe(
        archivingSessionId,
      );
    }
  });

  it('accepts on one instance the CSRF token a page of the other carries, and shows the change on both', async () => {
    const page = await on(0).get('/host').expect(200);
    const cookie = cookieOf(page);
    const csrfToken = readCsrfToken(page.text);
    // The other instance had the listing of no recording a moment ago; the start clears it there too.
    expect(readPageData((await on(1).get('/participant').expect(200)).text).recording).toBeNull();
    await on(1).post('/start').set('Cookie', cookie).set('x-csrf-token', csrfToken).send({}).expect(200);
    for (const i of [0, 1]) {
      const recording = readPageData((await on(i).get('/participant').expect(200)).text).recording;
      expect(recording).toMatchObject({ id: expect.any(String) });
    }
  });

  it('refuses a token with the cookie of another browser on either instance', async () => {
    const first = await on(0).get('/host').expect(200);
    const second = await on(1).get('/host').expect(200);
    await on(1)
      .post('/start')
      .set('Cookie', cookieOf(second))
      .set('x-csrf-token', readCsrfToken(first.text))
      .send({})
      .expect(403);
  });

  it('keeps pages valid when an instance restarts', async () => {
    const page = await on(0).get('/host').expect(200);
    await instances[0]!.close();
    instances[0] = await start();
    await postWithPage(0, '/start', page).expect(200);
    expect(readPageData((await on(0).get('/participant').expect(200)).text).sessionId).toBe(
      archivingSessionId,
    );
  });

  it('reports the store in /healthz', async () => {
    for (const i of [0, 1]) {
      expect((await on(i).get('/healthz').expect(200)).body).toEqual({
        status: 'ok',
        mode: 'opentok',
        store: 'redis',
      });
    }
  });

  it('answers 503 while Redis is down and recovers by itself once it is back', async () => {
    const page = await on(1).get('/host').expect(200);
    const createsBefore = sessionCreates();
    await redis.stop();

    for (const i of [0, 1]) {
      const html = await on(i).get('/participant').set('Accept', 'text/html').expect(503);
      expect(html.text).toContain('cannot reach its shared state (Redis)');
      const json = await on(i).get('/participant').set('Accept', 'application/json').expect(503);
      expect(json.body).toEqual({ error: { message: expect.stringContaining('Redis') } });
      const health = await on(i).get('/healthz').expect(503);
      expect(health.body).toMatchObject({ status: 'unavailable', mode: 'opentok', store: 'redis' });
    }

    // Long enough for the reconnection backoff to reach its cap, as in a real outage.
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    // Redis comes back empty (no persistence): the instances write back what they knew.
    await redis.start();
    const back = Date.now();
    const recoveredAt: number[] = [];
    for (const i of [0, 1]) {
      while ((await on(i).get('/healthz')).status !== 200) {
        if (Date.now() - back > RECOVERY_LIMIT_MS) throw new Error(`instance ${i} did not recover`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      recoveredAt.push(Date.now() - back);
    }
    console.log(
      `time to recover after Redis returned (down ${DOWN_MS} ms): ${recoveredAt.map((ms) => `${ms} ms`).join(', ')}`,
    );

    for (let i = 0; i < 4; i++) {
      expect(readPageData((await on(i).get('/participant').expect(200)).text).sessionId).toBe(
        archivingSessionId,
      );
    }
    expect(sessionCreates()).toBe(createsBefore);
    await postWithPage(0, '/stop/b40ef09b-3811-4726-b508-e41a0f96c68f', page).expect(200);
    // The CSRF key came back with them: an instance started now signs with the same key.
    await instances[1]!.close();
    instances[1] = await start();
    await postWithPage(1, '/start', page).expect(200);
  });
});
