/** Display names: what a visitor is called on the video pages, in the page data and in the token the others read. */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { cleanDisplayName } from '../../src/app/display-name';
import { readPageData } from './helpers/app-harness';
import { useEmulatorApp } from './helpers/emulator-app';

const site = useEmulatorApp();
const VIDEO_PAGES = ['/hello-world', '/host', '/participant'] as const;

/** Loads a page and returns the name in its page data, the name its token carries, and the cookie it set. */
async function visit(path: string, cookie?: string) {
  const req = request(site.app).get(path);
  if (cookie) req.set('Cookie', cookie);
  const res = await req.expect(200);
  const data = readPageData(res.text);
  const claims = decodeJwt(data.token);
  const connectionData: unknown = JSON.parse(String(claims.connection_data));
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return {
    html: res.text,
    displayName: data.displayName,
    connectionData,
    nameCookie: setCookie.find((line) => line.startsWith('display-name=')),
  };
}

describe.each(VIDEO_PAGES)('%s', (page) => {
  it('takes the name from ?name=, puts it in the token and remembers it for a year', async () => {
    const seen = await visit(`${page}?name=Ada%20Lovelace`);
    expect(seen.displayName).toBe('Ada Lovelace');
    expect(seen.connectionData).toEqual({ name: 'Ada Lovelace' });
    expect(seen.nameCookie).toMatch(/^display-name=Ada%20Lovelace;/);
    expect(seen.nameCookie).toMatch(/Max-Age=31536000/);
    expect(seen.nameCookie).toMatch(/SameSite=Lax/);
    expect(seen.nameCookie).toMatch(/Path=\//);
    // The page script rewrites the cookie when the person saves a new name.
    expect(seen.nameCookie).not.toMatch(/HttpOnly/);
  });

  it('uses the remembered cookie when there is no ?name=, without setting it again', async () => {
    const seen = await visit(page, 'display-name=Grace%20Hopper');
    expect(seen.displayName).toBe('Grace Hopper');
    expect(seen.connectionData).toEqual({ name: 'Grace Hopper' });
    expect(seen.nameCookie).toBeUndefined();
  });

  it('prefers ?name= over the cookie', async () => {
    const seen = await visit(`${page}?name=Ada`, 'display-name=Grace');
    expect(seen.displayName).toBe('Ada');
  });

  it('gives a guest name when neither is there, and does not remember it', async () => {
    const seen = await visit(page);
    expect(seen.displayName).toMatch(/^Guest \d{4}$/);
    expect(seen.connectionData).toEqual({ name: seen.displayName });
    expect(seen.nameCookie).toBeUndefined();
  });
});

describe('values that are not a usable name', () => {
  it('cuts a long name to 50 characters, counting an emoji as one', async () => {
    const long = '😀'.repeat(30) + 'x'.repeat(40);
    const seen = await visit(`/participant?name=${encodeURIComponent(long)}`);
    expect(seen.displayName).toBe('😀'.repeat(30) + 'x'.repeat(20));
    expect(seen.connectionData).toEqual({ name: seen.displayName });
  });

  it('removes control and bidi-override characters, turning line breaks into spaces', async () => {
    const raw = '  Ada\u0000\nLove\u202Elace\u2066 \t ';
    const seen = await visit(`/hello-world?name=${encodeURIComponent(raw)}`);
    expect(seen.displayName).toBe('Ada Lovelace');
    expect(seen.nameCookie).toMatch(/^display-name=Ada%20Lovelace;/);
  });

  it('falls back to a guest name for an empty or blank ?name=, and then to the cookie', async () => {
    expect((await visit('/hello-world?name=')).displayName).toMatch(/^Guest \d{4}$/);
    expect((await visit('/hello-world?name=%20%0A%E2%80%AE')).displayName).toMatch(/^Guest \d{4}$/);
    expect((await visit('/hello-world?name=', 'display-name=Grace')).displayName).toBe('Grace');
    // ?name=a&name=b is not one name
    expect((await visit('/hello-world?name=a&name=b', 'display-name=Grace')).displayName).toBe('Grace');
  });

  it('keeps a cookie that does not decode as it came, and falls back when nothing usable is left', async () => {
    expect((await visit('/participant', 'display-name=%E0%A4%A')).displayName).toBe('%E0%A4%A');
    expect((await visit('/participant', 'display-name=%0A%0D')).displayName).toMatch(/^Guest \d{4}$/);
  });

  it('keeps HTML in a name as text: escaped in the markup, exact in the page data and the token', async () => {
    const name = '<img src=x onerror=alert(1)>"&\'';
    const seen = await visit(`/host?name=${encodeURIComponent(name)}`);
    expect(seen.displayName).toBe(name);
    expect(seen.connectionData).toEqual({ name });
    expect(seen.html).not.toContain('<img src=x');
    expect(seen.html).toContain('value="&lt;img src=x onerror=alert(1)&gt;&#34;&amp;&#39;"');
  });
});

describe('cleanDisplayName', () => {
  it.each([
    ['  Ada  ', 'Ada'],
    ['Ada\u2028Lovelace', 'Ada Lovelace'],
    ['a\u200Fb\u061Cc', 'abc'],
    ['\uD800lone', 'lone'],
    ['', undefined],
    ['\u0007', undefined],
    [42, undefined],
    [['Ada'], undefined],
  ])('%j → %j', (value, expected) => {
    expect(cleanDisplayName(value)).toBe(expected);
  });
});
