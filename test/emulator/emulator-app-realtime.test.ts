/** Realtime connect with an application's client tokens (RS256, docs/platform.md §4.4), by the same role rules as a project's. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CloseCode } from '../../src/protocol/realtime';
import { FakeBrowser, realtimeUrlOf } from './support/fake-browser';
import { createSession, jwtClientToken, t1ClientToken } from './support/platform-client';
import { signApplicationClientToken, signApplicationRestJwt } from './support/application-tokens';

import { useApplicationEmulator } from './support/application-emulator';

const app = useApplicationEmulator();

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
  expect(res.status).toBe(200);
  return ((await res.json()) as Array<{ session_id: string }>)[0]!.session_id;
}

async function join(apiKey: string, sessionId: string, token: string): Promise<FakeBrowser> {
  const browser = await FakeBrowser.join(realtimeUrlOf(app.emu.url), { apiKey, sessionId, token });
  app.browsers.push(browser);
  return browser;
}

async function expectRefused(browser: FakeBrowser, name: string, pattern: RegExp, closeCode: number) {
  expect(browser.connected).toBeNull();
  expect(await browser.waitFor((m) => m.type === 'error')).toMatchObject({
    name,
    message: expect.stringMatching(pattern),
  });
  expect(await browser.waitClosed()).toBe(closeCode);
}

it('connects with the application ID and an RS256 token, with its connection data and layout classes', async () => {
  const sessionId = await createAppSession();
  const token = await signApplicationClientToken(app.appId, app.privateKey, sessionId, {
    role: 'moderator',
    connection_data: 'name=Ann',
    initial_layout_class_list: 'focus',
  });
  const browser = await join(app.appId, sessionId, token);
  expect(browser.connected).toMatchObject({
    connection: { data: 'name=Ann' },
    capabilities: { publish: true, subscribe: true, signal: true, forceDisconnect: true },
  });
});

it.each([
  ['subscriber', { publish: false, forceDisconnect: false }],
  ['publisher', { publish: true, forceDisconnect: false }],
  ['moderator', { publish: true, forceDisconnect: true }],
] as const)('gives a %s the same capabilities as a project token would', async (role, capabilities) => {
  const sessionId = await createAppSession();
  const browser = await join(
    app.appId,
    sessionId,
    await signApplicationClientToken(app.appId, app.privateKey, sessionId, { role }),
  );
  expect(browser.connected?.capabilities).toMatchObject(capabilities);
  if (role === 'subscriber') {
    const ack = await browser.request({
      type: 'publish',
      stream: {
        name: 'x',
        hasAudio: true,
        hasVideo: true,
        videoType: 'camera',
        videoDimensions: { width: 640, height: 480 },
        frameRate: 30,
      },
    });
    expect(ack.error).toBeDefined();
  }
});

describe('refusals', () => {
  const nowS = (): number => Math.floor(Date.now() / 1000);
  it.each([
    [
      'signed with another key',
      () => ({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    ],
    [
      'for another application',
      () => ({ claims: { application_id: '00000000-0000-4000-8000-000000000000' } }),
    ],
    ['expired', () => ({ claims: { exp: nowS() - 3600 } })],
    ['for another session', () => ({ claims: { session_id: '1_MX4xfn4xfmFiY35-fg' } })],
    ['with an unknown role', () => ({ claims: { role: 'admin' } })],
    ['with another scope', () => ({ claims: { scope: 'session.manage' } })],
    ['without the session acl', () => ({ claims: { acl: { paths: { '/other/**': {} } } } })],
  ])('refuses a token %s with OT_AUTHENTICATION_ERROR', async (_case, variant) => {
    const sessionId = await createAppSession();
    const { key = app.privateKey, claims = {} } = variant() as {
      key?: KeyObject;
      claims?: Record<string, unknown>;
    };
    const token = await signApplicationClientToken(app.appId, key, sessionId, claims);
    await expectRefused(
      await join(app.appId, sessionId, token),
      'OT_AUTHENTICATION_ERROR',
      /^Invalid token/,
      CloseCode.badToken,
    );
  });

  it("refuses the project's own tokens (T1 and HS256) for an application session", async () => {
    const sessionId = await createAppSession();
    for (const token of [await jwtClientToken(app.emu, sessionId), t1ClientToken(app.emu, sessionId)]) {
      await expectRefused(
        await join(app.appId, sessionId, token),
        'OT_AUTHENTICATION_ERROR',
        /Invalid token/,
        CloseCode.badToken,
      );
    }
  });

  it('keeps sessions apart: neither ID connects to the other side’s session', async () => {
    const appSession = await createAppSession();
    const projectSession = await createSession(app.emu);
    const appToken = await signApplicationClientToken(app.appId, app.privateKey, appSession);
    await expectRefused(
      await join(app.emu.apiKey, appSession, appToken),
      'OT_INVALID_SESSION_ID',
      /Unknown session/,
      CloseCode.sessionNotFound,
    );
    const forProject = await signApplicationClientToken(app.appId, app.privateKey, projectSession);
    await expectRefused(
      await join(app.appId, projectSession, forProject),
      'OT_INVALID_SESSION_ID',
      /Unknown session/,
      CloseCode.sessionNotFound,
    );
  });
});
