/** Pages and assets: what a visitor gets on each page, the page data, the headers and the vendor files. */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app/app';
import { loadConfig } from '../../src/app/config';
import { serializePageData } from '../../src/app/page-data';
import { OpenTok } from '../../src/sdk';
import { readPageData } from './helpers/app-harness';
import { useEmulatorApp } from './helpers/emulator-app';

describe('pages', () => {
  const site = useEmulatorApp();

  it('landing page: both demos, the mode, a CSRF token and its cookie', async () => {
    const res = await request(site.app)
      .get('/')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(res.text).toContain('href="/hello-world"');
    expect(res.text).toContain('href="/host"');
    expect(res.text).toContain('href="/participant"');
    expect(res.text).toContain('href="/history"');
    expect(res.text).toContain('OpenTok project');
    // Failures only, announced at once: role="alert" with no aria-live that would make it polite again.
    expect(/<div id="alerts"[^>]*>/.exec(res.text)?.[0]).toBe('<div id="alerts" role="alert">');
    expect(res.text).not.toContain('id="mode-banner"');
    expect(res.text).toMatch(/<meta name="csrf-token" content="[A-Za-z0-9_-]{20,}">/);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/csrf_id=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('healthz reports the mode', async () => {
    const res = await request(site.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', mode: 'opentok', store: 'memory' });
  });

  it('hello-world: a publisher token for its own session, shared by every visitor', async () => {
    const first = await request(site.app).get('/hello-world').expect(200);
    const second = await request(site.app).get('/hello-world').expect(200);
    const data = readPageData(first.text);
    expect(data).toMatchObject({ apiKey: site.emulator.apiKey, mode: 'opentok' });
    expect(readPageData(second.text).sessionId).toBe(data.sessionId);
    expect(decodeJwt(String(data.token))).toMatchObject({ role: 'publisher', session_id: data.sessionId });
    const host = readPageData((await request(site.app).get('/host').expect(200)).text);
    expect(host.sessionId).not.toBe(data.sessionId);
  });

  it('loads the platform client before the page module, from the package in the platform modes', async () => {
    const res = await request(site.app).get('/hello-world').expect(200);
    const client = res.text.indexOf(
      '<script src="/vendor/opentok/opentok.min.js" data-emulator-path="/emulator">',
    );
    const module = res.text.search(
      /<script type="module" src="\/assets\/[0-9a-f]{12}\/js\/hello-world\.js">/,
    );
    expect(client).toBeGreaterThan(-1);
    expect(module).toBeGreaterThan(client);
    expect(res.text).toContain('id="publisher"');
    expect(res.text).toContain('id="subscribers"');
  });

  it('host page: archive form with labelled controls and the recording indicator', async () => {
    const res = await request(site.app).get('/host').expect(200);
    for (const fragment of [
      'id="archive-form"',
      'name="name"',
      'name="hasAudio"',
      'name="hasVideo"',
      '<select id="archive-output-mode" name="outputMode"',
      'value="individual"',
      'id="start-archive"',
      'id="stop-archive"',
      'data-recording="false"',
      'Not recording',
      'label for="archive-name"',
      'label for="archive-output-mode"',
    ]) {
      expect(res.text).toContain(fragment);
    }
    expect(res.text).toMatch(/<script type="module" src="\/assets\/[0-9a-f]{12}\/js\/host\.js">/);
  });

  it('history page with no archives shows the empty state pointing to the host view', async () => {
    const res = await request(site.app).get('/history').expect(200);
    expect(res.text).toContain('id="empty-state"');
    expect(res.text).toContain('href="/host"');
    expect(res.text).not.toContain('rel="next"');
  });

  it('sends a CSP that allows the platform client and nothing inline for scripts', async () => {
    const res = await request(site.app).get('/host').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("media-src 'self' blob: mediastream:");
    expect(csp).toContain("frame-ancestors 'none'");
    // The platform's own hosts only: no scheme-wide https: or wss: that would let a page talk anywhere.
    expect(/connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ')).toEqual([
      "'self'",
      'https://*.opentok.com',
      'https://*.tokbox.com',
      'https://*.vonage.com',
      'wss://*.opentok.com',
      'wss://*.tokbox.com',
      'wss://*.vonage.com',
    ]);
  });

  it('sends the same security headers on every page, an error page and a static file', async () => {
    const expected = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const first = await request(site.app).get('/host').expect(200);
    for (const path of ['/', '/participant', '/hello-world', '/history', '/nope', '/css/app.css']) {
      const res = await request(site.app).get(path);
      expect([path, res.headers]).toEqual([path, expect.objectContaining(expected)]);
      expect([path, res.headers['content-security-policy']]).toEqual([
        path,
        first.headers['content-security-policy'],
      ]);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves Bootstrap and the platform client from node_modules with a long immutable cache', async () => {
    const css = await request(site.app).get('/vendor/bootstrap/css/bootstrap.min.css').expect(200);
    expect(css.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    const client = await request(site.app).get('/vendor/opentok/opentok.min.js').expect(200);
    expect(client.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(client.headers['cache-control']).toMatch(/immutable/);
    const script = await request(site.app)
      .get('/js/host.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    // The app's own files are not fingerprinted, so they are revalidated rather than cached blindly.
    expect(script.headers['cache-control']).toBe('public, max-age=0');
    await request(site.app).get('/js/host.js').set('If-None-Match', String(script.headers.etag)).expect(304);
    await request(site.app).get('/css/app.css').expect(200);
  });

  it('serves the app’s own files for a year under a fingerprinted path that every page uses', async () => {
    const page = await request(site.app).get('/host').expect(200);
    const base = /href="(\/assets\/[0-9a-f]{12})\/css\/app\.css"/.exec(page.text)?.[1];
    expect(base).toBeDefined();
    expect(page.text).toContain(`src="${base}/js/host.js"`);
    for (const file of ['/css/app.css', '/js/host.js', '/js/shared/alerts.js', '/favicon.svg']) {
      const res = await request(site.app).get(`${base}${file}`).expect(200);
      expect(res.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    }
    // Another fingerprint is not this version's files.
    await request(site.app).get('/assets/000000000000/js/host.js').expect(404);
  });

  it('compresses pages for clients that accept gzip or brotli', async () => {
    const res = await request(site.app).get('/').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toContain('href="/hello-world"');
    const host = await request(site.app).get('/host').set('Accept-Encoding', 'gzip, deflate, br');
    expect(host.headers['content-encoding']).toBe('br');
    expect(host.headers.vary).toBe('Accept-Encoding');
    expect(readPageData(host.text).token).toBeTruthy();
  });

  it('sends pages as they are to a client that accepts no encoding, still marked as varying by it', async () => {
    const res = await request(site.app).get('/host').set('Accept-Encoding', '').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
  });

  it('answers unknown addresses with a 404 page, or JSON for scripts', async () => {
    const page = await request(site.app).get('/nope').set('Accept', 'text/html').expect(404);
    expect(page.text).toContain('There is no page at this address');
    expect(page.text).toContain('id="alerts"');
    const json = await request(site.app).get('/nope').set('Accept', 'application/json').expect(404);
    expect(json.body).toEqual({ error: { message: expect.stringContaining('no page') } });
  });
});

describe('page data', () => {
  it('cannot be closed early by a value and parses back to the same data', () => {
    const data = { name: '</script><script>alert(1)</script>', amp: 'a & b', sep: '\u2028' };
    const text = serializePageData(data);
    expect(text).not.toMatch(/<|>|&/);
    expect(JSON.parse(text)).toEqual(data);
  });
});

describe('vonage mode', () => {
  it('reports its mode on the landing page and healthz without any platform request', async () => {
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const applicationId = '1f0d5c9a-3b2e-4c1d-9e8f-0a1b2c3d4e5f';
    const config = loadConfig({ VONAGE_APPLICATION_ID: applicationId, VONAGE_PRIVATE_KEY: privateKey });
    const opentok = new OpenTok({ applicationId, privateKey, apiUrl: 'http://127.0.0.1:9' });
    const app = createApp({ config, logger: pino({ level: 'silent' }), opentok });
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({
      status: 'ok',
      mode: 'vonage',
      store: 'memory',
    });
    const landing = await request(app).get('/').expect(200);
    expect(landing.text).toContain('Vonage application');
    expect(landing.text).not.toContain('PRIVATE KEY');
  });
});
