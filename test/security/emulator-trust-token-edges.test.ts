/** Edges of the emulator's credentials: tokens that would never expire, JWTs from the future, re-spelled download links. */
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { createDownloadLinks } from '../../src/emulator/archives/download-links';
import { verifyClientToken } from '../../src/emulator/auth/client-token';
import { CloseCode } from '../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { archivePath, createSession, rest } from '../emulator/support/platform-client';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

let emu: TestEmulator;
let sessionId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  sessionId = await createSession(emu);
});
afterAll(() => emu.close());

const nowS = (): number => Math.floor(Date.now() / 1000);

function signed(claims: Record<string, unknown>, secret = emu.apiSecret): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** A T1 token over exactly these data fields (docs/platform.md §4.1). */
function t1Token(fields: Record<string, string>): string {
  const data = new URLSearchParams(fields).toString();
  const sig = createHmac('sha1', emu.apiSecret).update(data).digest('hex');
  return `T1==${Buffer.from(`partner_id=${emu.apiKey}&sig=${sig}:${data}`).toString('base64')}`;
}

const clientClaims = () => ({
  iss: emu.apiKey,
  ist: 'project',
  scope: 'session.connect',
  session_id: sessionId,
  role: 'publisher',
});

describe('a client token with no expiry', () => {
  const verify = (token: string) =>
    verifyClientToken({
      token,
      apiKey: emu.apiKey,
      apiSecret: emu.apiSecret,
      sessionId,
      nowMs: Date.now(),
      clockSkewMs: 30_000,
    });

  it('is refused when it has no creation time either, in both formats', async () => {
    await expect(verify(await signed(clientClaims()))).rejects.toThrow(/no expiry/);
    await expect(verify(t1Token({ session_id: sessionId, role: 'publisher', nonce: '1' }))).rejects.toThrow(
      /no expiry/,
    );
  });

  it('is refused when its creation time is still to come, as that would push the 24 h default out', async () => {
    const later = nowS() + 3600;
    await expect(verify(await signed({ ...clientClaims(), iat: later }))).rejects.toThrow(/future/);
    await expect(
      verify(t1Token({ session_id: sessionId, role: 'publisher', create_time: String(later) })),
    ).rejects.toThrow(/future/);
  });

  it('still gets the 24 h default from a creation time, as the platform gives it', async () => {
    const iat = nowS() - 60;
    await expect(verify(await signed({ ...clientClaims(), iat }))).resolves.toMatchObject({
      expireTime: iat + 86_400,
    });
  });

  it('cannot connect to the realtime server', async () => {
    const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
      apiKey: emu.apiKey,
      sessionId,
      token: await signed(clientClaims()),
    });
    expect(await browser.waitClosed()).toBe(CloseCode.badToken);
    expect(browser.connected).toBeNull();
  });
});

describe('a REST JWT issued in the future', () => {
  const restToken = (iat: number) =>
    signed({ iss: emu.apiKey, ist: 'project', iat, exp: iat + 300, jti: String(iat) });

  it('is refused beyond the 30 s clock skew and accepted within it', async () => {
    const far = await rest(emu, 'GET', archivePath(emu), { jwt: await restToken(nowS() + 3600) });
    expect(far.status).toBe(403);
    expect((await rest(emu, 'GET', archivePath(emu), { jwt: await restToken(nowS() + 120) })).status).toBe(
      403,
    );
    expect((await rest(emu, 'GET', archivePath(emu), { jwt: await restToken(nowS() + 10) })).status).toBe(
      200,
    );
  });
});

describe('a download link', () => {
  const ttlMs = 10 * 60 * 1000;
  /** A link for an archive that has no file: a valid signature answers 404, any other 403. */
  const archiveId = '00000000-0000-4000-8000-000000000000';
  const download = (query: string) => fetch(`${emu.url}/downloads/${archiveId}?${query}`);

  it('is valid only in exactly the form it was issued', async () => {
    const issued = createDownloadLinks({ apiSecret: emu.apiSecret, ttlMs }).sign(archiveId, Date.now());
    const { expires, signature } = Object.fromEntries(new URLSearchParams(issued)) as Record<string, string>;
    expect((await download(issued)).status).toBe(404);
    const respelled = [
      `expires=${expires}&signature=${signature!.toUpperCase()}`,
      `expires=${expires}&signature=${signature}00`,
      `expires=${expires}&signature=${signature}zz`,
      `expires=${expires}&signature=${signature!.slice(0, 62)}`,
      `expires=0${expires}&signature=${signature}`,
      `expires=${expires}&signature=${signature}&signature=${signature}`,
    ];
    for (const query of respelled)
      expect({ query, status: (await download(query)).status }).toEqual({ query, status: 403 });
  });

  it('is refused once expired, and for another archive', async () => {
    const links = createDownloadLinks({ apiSecret: emu.apiSecret, ttlMs });
    expect((await download(links.sign(archiveId, Date.now() - ttlMs - 1000))).status).toBe(403);
    expect((await download(links.sign(`${archiveId.slice(0, -1)}1`, Date.now()))).status).toBe(403);
  });
});
