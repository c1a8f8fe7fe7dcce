/** The request log (pino-http): one line per request with method, URL, status and time; levels by status; no headers. */
import express from 'express';
import request from 'supertest';
import { createRequestLogging } from '../../src/app/request-logging';
import { createRecordingLogger } from './helpers/app-harness';

function appWith(level: 'trace' | 'warn' | 'silent' = 'trace') {
  const { logger, logs } = createRecordingLogger();
  logger.level = level;
  const app = express();
  app.use(createRequestLogging(logger));
  app.get('/ok', (_req, res) => {
    res.send('ok');
  });
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  app.get('/fail', (_req, res) => {
    res.status(502).send('no');
  });
  app.get('/downloads/:id', (_req, res) => {
    res.send('file');
  });
  return { app, lines: () => logs.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

it('writes one line per request, at info, warn or error by status', async () => {
  const { app, lines } = appWith();
  await request(app)
    .get('/ok?page=2')
    .set('Cookie', 'csrf_id=secret-cookie')
    .set('Authorization', 'Basic eDp5');
  await request(app).get('/missing');
  await request(app).get('/fail');
  const logged = lines();
  expect(logged.map((l) => [l.level, l.msg, l.req, l.res])).toEqual([
    [30, 'request completed', { id: 1, method: 'GET', url: '/ok?page=2' }, { statusCode: 200 }],
    [40, 'request completed', { id: 2, method: 'GET', url: '/missing' }, { statusCode: 404 }],
    [50, 'request errored', { id: 3, method: 'GET', url: '/fail' }, { statusCode: 502 }],
  ]);
  expect((logged[2]?.err as { message: string }).message).toBe('failed with status code 502');
  for (const line of logged) expect(typeof line.responseTime).toBe('number');
  expect(JSON.stringify(logged)).not.toMatch(/secret-cookie|eDp5/);
});

it('leaves out health checks, and honours the level', async () => {
  const quiet = appWith('warn');
  await request(quiet.app).get('/healthz');
  await request(quiet.app).get('/ok');
  await request(quiet.app).get('/fail');
  expect(quiet.lines().map((l) => (l.req as { url: string }).url)).toEqual(['/fail']);
  const silent = appWith('silent');
  await request(silent.app).get('/fail');
  expect(silent.lines()).toEqual([]);
});

it('redacts the signature of a signed download link', async () => {
  const { app, lines } = appWith();
  await request(app).get('/downloads/abc?expires=1900000000&signature=deadbeefcafe');
  const [line] = lines();
  expect((line?.req as { url: string }).url).toBe('/downloads/abc?expires=1900000000&signature=[redacted]');
  expect(JSON.stringify(lines())).not.toContain('deadbeefcafe');
});
