/** The views as createApp renders them: ejs through Express's own view machinery, with the view cache on. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';

let viewsDir: string;

beforeEach(async () => {
  viewsDir = await mkdtemp(path.join(os.tmpdir(), 'view-engine-'));
  await mkdir(path.join(viewsDir, 'partials'));
});
afterEach(() => rm(viewsDir, { recursive: true, force: true }));

/** The view settings of createApp, over a folder of test views. */
function appRendering(view: string, locals: Record<string, unknown> = {}): Express {
  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.locals.site = 'Sample';
  app.get('/', (_req, res) => {
    res.locals.path = '/';
    res.render(view, locals);
  });
  app.get('/extra', (_req, res) => res.render(view, { extra: 'given' }));
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text').send(error.message);
  });
  return app;
}

it('renders includes relative to the including file, with its locals, escaped or raw as written', async () => {
  await writeFile(path.join(viewsDir, 'page.ejs'), "<%- include('partials/head') %><p><%= body %></p>");
  await writeFile(
    path.join(viewsDir, 'partials', 'head.ejs'),
    "<title><%= site %> <%= title %></title><%- include('nav', { current: path }) %>",
  );
  await writeFile(path.join(viewsDir, 'partials', 'nav.ejs'), '<nav data-current="<%= current %>"></nav>');
  const res = await request(appRendering('page', { title: 'A & B', body: '<b>' }))
    .get('/')
    .expect(200);
  expect(res.text).toBe('<title>Sample A &amp; B</title><nav data-current="/"></nav><p>&lt;b&gt;</p>');
});

it('keeps each view and partial once rendered: an edit shows only after a restart', async () => {
  const file = path.join(viewsDir, 'page.ejs');
  await writeFile(file, "<%- include('partials/foot.ejs') %>");
  await writeFile(path.join(viewsDir, 'partials', 'foot.ejs'), 'first');
  const app = appRendering('page');
  expect((await request(app).get('/').expect(200)).text).toBe('first');
  await writeFile(path.join(viewsDir, 'partials', 'foot.ejs'), 'second');
  await rm(file);
  expect((await request(app).get('/').expect(200)).text).toBe('first');
});

it('a template error reaches the error handler with the file and line', async () => {
  await writeFile(path.join(viewsDir, 'page.ejs'), "<%- include('partials/body') %>");
  await writeFile(path.join(viewsDir, 'partials', 'body.ejs'), 'line one\n<%= missing.name %>');
  const res = await request(appRendering('page')).get('/').expect(500);
  expect(res.text).toContain(`${path.join(viewsDir, 'partials', 'body.ejs')}:2`);
  expect(res.text).toContain('missing is not defined');
});

it('a missing include is an error naming the include and the file that asks for it', async () => {
  await writeFile(path.join(viewsDir, 'page.ejs'), "<%- include('partials/nope') %>");
  const res = await request(appRendering('page')).get('/').expect(500);
  expect(res.text).toContain('partials/nope');
  expect(res.text).toContain(`${path.join(viewsDir, 'page.ejs')}:1`);
});

it('a cached view rendered with different locals sees each set', async () => {
  await writeFile(
    path.join(viewsDir, 'page.ejs'),
    "<%= typeof extra === 'undefined' ? 'none' : extra %>|<%- include('partials/part') %>",
  );
  await writeFile(path.join(viewsDir, 'partials', 'part.ejs'), '<%= site %>');
  const app = appRendering('page');
  expect((await request(app).get('/').expect(200)).text).toBe('none|Sample');
  expect((await request(app).get('/extra').expect(200)).text).toBe('given|Sample');
  expect((await request(app).get('/').expect(200)).text).toBe('none|Sample');
});
