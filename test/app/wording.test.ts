/** What a person reads: refusals in plain words, error pages that lead back, one mode notice, page titles. */
import request from 'supertest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { browse, createEmulatorHarness, readPageData, type Harness } from './helpers/app-harness';
import { ParticipantClient } from './helpers/participant-client';

/** API field names and HTTP jargon that must not reach a person's main text. */
const JARGON = /hasAudio|hasVideo|outputMode|archiveId|\bPOST\b|\bHTTP\b|%-escape|request body/;

function readTitle(html: string): string | undefined {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1];
}

function readLinks(html: string): Array<{ id: string; href: string; text: string }> {
  const nav = /<nav[^>]*aria-label="Where to go next"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/<a id="([^"]+)"[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({
    id: m[1] ?? '',
    href: m[2] ?? '',
    text: m[3] ?? '',
  }));
}

/**
 * The Referer a browser sends for a same-origin navigation from `url` under a Referrer-Policy (the W3C
 * Referrer Policy's table, for the policies a page of this app could be served with).
 */
function sameOriginReferer(policy: string, url: string): string | undefined {
  switch (policy) {
    case 'no-referrer':
      return undefined;
    case 'origin':
    case 'strict-origin':
      return `${new URL(url).origin}/`;
    default:
      // same-origin, no-referrer-when-downgrade, origin-when-cross-origin, strict-origin-when-cross-origin,
      // unsafe-url: the full address, without its fragment.
      return url.split('#')[0];
  }
}

function readErrorMessage(html: string): string {
  return /<p id="error-message"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? '';
}

describe('refusals in words', () => {
  let emulator: TestEmulator;
  let harness: Harness;
  let participant: ParticipantClient | undefined;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    harness = createEmulatorHarness(emulator);
  });
  afterAll(async () => {
    await participant?.leave();
    await emulator.close();
  });

  it('asks for audio, video or both, in the words of the form', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const json = await agent
      .post('/start')
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send({ hasAudio: false, hasVideo: false })
      .expect(400);
    expect(json.body.error.message).toMatch(/^Choose audio, video or both/);
    expect(json.body.error.message).not.toMatch(JARGON);
    // A plain form with neither box ticked sends neither field.
    const form = await agent
      .post('/start')
      .type('form')
      .set('Accept', 'text/html')
      .send({ _csrf: csrfToken, name: 'Silent film' })
      .expect(400);
    expect(readErrorMessage(form.text)).toMatch(/^Choose audio, video or both/);
  });

  it.each([
    [{ name: 'x'.repeat(81) }, /^The recording name must be text of at most 80 characters/],
    [{ outputMode: 'mosaic' }, /^Choose how to record: one composed video, or one file per stream/],
    [{ hasVideo: 'maybe' }, /^The video choice could not be read/],
  ])('words a bad option %j without its field name', async (body, words) => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const res = await agent
      .post('/start')
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send(body)
      .expect(400);
    expect(res.body.error.message).toMatch(words);
    expect(res.body.error.message).not.toMatch(JARGON);
  });

  it('says a recording still running must be stopped before it can be deleted', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/host');
    const page = readPageData((await request(harness.app).get('/participant').expect(200)).text);
    participant = await ParticipantClient.join(emulator.url, page);
    await participant.publish();
    const started = await agent
      .post('/start')
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send({ name: 'Still going' })
      .expect(200);
    const res = await agent
      .post(`/delete/${started.body.id}`)
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send({})
      .expect(409);
    expect(res.body.error.message).toMatch(/If it is still recording, stop it from the host view first/);
    expect(res.body.error.message).not.toMatch(/still being processed/);
    await agent
      .post(`/stop/${started.body.id}`)
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send({})
      .expect(200);
  });

  it('calls a bad recording address a recording, and says where to pick one again', async () => {
    const { agent, csrfToken } = await browse(harness.app, '/history');
    const page = await agent.get('/download/not!an!id').set('Accept', 'text/html').expect(400);
    const stop = await agent
      .post(`/stop/${encodeURIComponent('../history')}`)
      .set('x-csrf-token', csrfToken)
      .set('Accept', 'application/json')
      .send({})
      .expect(400);
    for (const message of [readErrorMessage(page.text), stop.body.error.message]) {
      expect(message).toMatch(/^That address does not lead to a recording.*from the history page\.$/);
      expect(message).not.toMatch(/archive/i);
    }
  });

  it('explains an out-of-date page (CSRF) and a button address opened as a page, without jargon', async () => {
    const csrf = await request(harness.app).post('/start').set('Accept', 'application/json').send({});
    expect(csrf.status).toBe(403);
    expect(csrf.body.error.message).toMatch(
      /^Nothing was done: the page you used is out of date.*Reload the page/,
    );
    const getStart = await request(harness.app).get('/start').set('Accept', 'application/json').expect(405);
    expect(getStart.headers.allow).toBe('POST');
    expect(getStart.body.error.message).toMatch(/belongs to a button of the app/);
    for (const message of [csrf.body.error.message, getStart.body.error.message]) {
      expect(message).not.toMatch(JARGON);
    }
  });

  it('asks for the host password in words, keeping the 401', async () => {
    const guarded = createEmulatorHarness(emulator, { hostPassword: 'a long host password' });
    const res = await request(guarded.app).get('/host').set('Accept', 'text/html').expect(401);
    expect(readErrorMessage(res.text)).toMatch(/^The host view asks for the host password\. Reload the page/);
    expect(readTitle(res.text)).toBe('Password needed · Video archiving sample');
  });
});

describe('error pages lead back', () => {
  let emulator: TestEmulator;
  let harness: Harness;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    harness = createEmulatorHarness(emulator);
  });
  afterAll(() => emulator.close());

  const getPage = (path: string, referer?: string) => {
    const req = request(harness.app).get(path).set('Accept', 'text/html');
    return referer ? req.set('Referer', referer) : req;
  };

  it('to the page an action belongs to, and home', async () => {
    const start = await getPage('/start').expect(405);
    expect(readLinks(start.text)).toEqual([
      { id: 'error-back', href: '/host', text: 'Back to the host view' },
      { id: 'error-home', href: '/', text: 'Go to the home page' },
    ]);
    const download = await getPage('/download/not!an!id').expect(400);
    expect(readLinks(download.text)[0]).toEqual({
      id: 'error-back',
      href: '/history',
      text: 'Back to the history',
    });
    const remove = await getPage('/delete/abc').expect(405);
    expect(readLinks(remove.text)[0]?.href).toBe('/history');
  });

  it('to the same-origin page named by the Referer, with its page number', async () => {
    const res = await request(harness.app)
      .get('/download/not!an!id')
      .set('Accept', 'text/html')
      .set('Host', '127.0.0.1:3000')
      .set('Referer', 'http://127.0.0.1:3000/history?page=3')
      .expect(400);
    expect(readLinks(res.text)[0]).toEqual({
      id: 'error-back',
      href: '/history?page=3',
      text: 'Back to the history',
    });
  });

  it('to the referring page, which the pages tell the browser to name to the app', async () => {
    const from = 'http://127.0.0.1:3000/history?page=3';
    const history = await request(harness.app).get('/history?page=3').set('Host', '127.0.0.1:3000');
    // What a browser sends on a same-origin request under the policy the history page was served with.
    const referer = sameOriginReferer(String(history.headers['referrer-policy']), from);
    const req = request(harness.app)
      .get('/download/not!an!id')
      .set('Accept', 'text/html')
      .set('Host', '127.0.0.1:3000');
    const res = await (referer ? req.set('Referer', referer) : req).expect(400);
    expect(readLinks(res.text)[0]).toEqual({
      id: 'error-back',
      href: '/history?page=3',
      text: 'Back to the history',
    });
  });

  it('never to another site, nor to an address that is not one of the pages', async () => {
    for (const referer of [
      'https://evil.example/host',
      'http://127.0.0.1:3000/host?x=" onmouseover="alert(1)',
      'javascript:alert(1)',
      'http://127.0.0.1:3000/emulator/v2/project/x',
    ]) {
      const res = await request(harness.app)
        .get('/start')
        .set('Accept', 'text/html')
        .set('Host', '127.0.0.1:3000')
        .set('Referer', referer)
        .expect(405);
      expect(res.text).not.toContain('evil.example');
      expect(res.text).not.toContain('onmouseover');
      expect(res.text).not.toContain('javascript:');
      expect(readLinks(res.text)[0]?.href).toBe('/host');
    }
    const foreign = await request(harness.app)
      .get('/download/not!an!id')
      .set('Accept', 'text/html')
      .set('Host', '127.0.0.1:3000')
      .set('Referer', 'https://evil.example/history?page=9')
      .expect(400);
    expect(readLinks(foreign.text)[0]?.href).toBe('/history');
  });

  it('only home for an address that belongs to no page', async () => {
    const res = await getPage('/nope').expect(404);
    expect(readLinks(res.text)).toEqual([{ id: 'error-home', href: '/', text: 'Go to the home page' }]);
    expect(readTitle(res.text)).toBe('Not found · Video archiving sample');
    expect(readErrorMessage(res.text)).not.toMatch(JARGON);
  });
});

describe('chrome', () => {
  let emulator: TestEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('titles the landing page once and every other page "<page> · site"', async () => {
    const harness = createEmulatorHarness(emulator);
    expect(readTitle((await request(harness.app).get('/').expect(200)).text)).toBe('Video archiving sample');
    expect(readTitle((await request(harness.app).get('/history').expect(200)).text)).toBe(
      'Archive history · Video archiving sample',
    );
  });

  it.each(['/', '/hello-world', '/host', '/participant', '/history', '/nope'])(
    'states local mode once on %s, in a one-line notice with the details behind it',
    async (path) => {
      const harness = createEmulatorHarness(emulator, { local: true });
      const res = await request(harness.app).get(path).set('Accept', 'text/html');
      expect(res.text.match(/Local mode|local emulator|Running in/gi)).toEqual(['Local mode']);
      expect(res.text).toMatch(/<details id="mode-banner"[^>]*>\s*<summary/);
      expect(res.text).not.toContain('<footer');
    },
  );

  it('says which local credentials run only on the landing page, inside the notice', async () => {
    const harness = createEmulatorHarness(emulator, { local: true });
    const landing = await request(harness.app).get('/').expect(200);
    const notice = /<details id="mode-banner"[\s\S]*?<\/details>/.exec(landing.text)?.[0] ?? '';
    expect(notice).toContain('LOCAL_CREDENTIALS=');
    expect((await request(harness.app).get('/host').expect(200)).text).not.toContain('LOCAL_CREDENTIALS=');
  });

  it('in a platform mode, names the project once, on the landing page only', async () => {
    const harness = createEmulatorHarness(emulator);
    const landing = await request(harness.app).get('/').expect(200);
    expect(landing.text.match(/OpenTok project|Running in/g)).toEqual(['OpenTok project']);
    expect(landing.text).not.toContain('mode-banner');
    expect((await request(harness.app).get('/history').expect(200)).text).not.toMatch(
      /Running in|OpenTok project/,
    );
  });
});
