/** Forged application credentials: every way a caller could pass for the application without its private key gets 403. */
import { createPublicKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { signApplicationClientToken, signApplicationRestJwt } from '../emulator/support/application-tokens';

const BAD_AUTH = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

import { useApplicationEmulator } from '../emulator/support/application-emulator';

const app = useApplicationEmulator();

const nowS = (): number => Math.floor(Date.now() / 1000);

async function listArchives(headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${app.emu.url}/v2/project/${app.appId}/archive`, {
    headers: { accept: 'application/json', ...headers },
  });
  return { status: res.status, body: await res.json() };
}

async function createAppSession(): Promise<string> {
  const res = await fetch(`${app.emu.url}/session/create`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await signApplicationRestJwt(app.appId, app.privateKey)}`,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'p2p.preference=disabled',
  });
  return ((await res.json()) as Array<{ session_id: string }>)[0]!.session_id;
}

const forgeries: Array<[string, () => Promise<string>]> = [
  [
    'an unsigned JWT (alg none)',
    async () => new UnsecuredJWT({ application_id: app.appId, iat: nowS(), exp: nowS() + 300 }).encode(),
  ],
  [
    "an HS256 JWT keyed with the application's public key",
    async () =>
      new SignJWT({ application_id: app.appId, iat: nowS(), exp: nowS() + 300 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(
          new TextEncoder().encode(
            String(createPublicKey(app.privateKey).export({ type: 'spki', format: 'pem' })),
          ),
        ),
  ],
  [
    "a project JWT (the API secret) that claims the application's ID",
    async () =>
      new SignJWT({
        iss: app.emu.apiKey,
        ist: 'project',
        application_id: app.appId,
        iat: nowS(),
        exp: nowS() + 300,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(app.emu.apiSecret)),
  ],
  [
    "the application's client token, as a page holds it",
    async () =>
      signApplicationClientToken(app.appId, app.privateKey, await createAppSession(), { role: 'moderator' }),
  ],
];

it.each(forgeries)('refuses %s as a REST credential with 403 and the platform body', async (_case, forge) => {
  const token = await forge();
  expect(await listArchives({ authorization: `Bearer ${token}` })).toEqual({ status: 403, body: BAD_AUTH });
  expect(await listArchives({ 'x-opentok-auth': token })).toEqual({ status: 403, body: BAD_AUTH });
});

it.each(forgeries.slice(0, 3))('refuses %s as a client token', async (_case, forge) => {
  const sessionId = await createAppSession();
  const token = await forge();
  const browser = await FakeBrowser.join(realtimeUrlOf(app.emu.url), { apiKey: app.appId, sessionId, token });
  app.browsers.push(browser);
  expect(browser.connected).toBeNull();
  expect(await browser.waitFor((m) => m.type === 'error')).toMatchObject({ name: 'OT_AUTHENTICATION_ERROR' });
});
