/** REST: the Vonage application beside the project, authenticated by RS256 JWTs, owning its own sessions and archives. */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { FakeBrowser, realtimeUrlOf } from './support/fake-browser';
import { restJwt } from './support/platform-client';
import { signApplicationClientToken, signApplicationRestJwt } from './support/application-tokens';

const BAD_AUTH = { code: -1, message: 'Issuer not found', description: 'Issuer not found' };

import { useApplicationEmulator } from './support/application-emulator';

const app = useApplicationEmulator();

interface Reply {
  status: number;
  body: unknown;
}

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: { json?: unknown; form?: Record<string, string> },
): Promise<Reply> {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (body?.json !== undefined) {
    init.body = JSON.stringify(body.json);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  } else if (body?.form) {
    init.body = new URLSearchParams(body.form).toString();
    (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(`${app.emu.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

const bearer = async (token?: string): Promise<Record<string, string>> => ({
  authorization: `Bearer ${token ?? (await signApplicationRestJwt(app.appId, app.privateKey))}`,
});
const projectAuth = async (): Promise<Record<string, string>> => ({
  'x-opentok-auth': await restJwt(app.emu),
});

async function createSession(headers: Record<string, string>): Promise<string> {
  const res = await call('POST', '/session/create', headers, { form: { 'p2p.preference': 'disabled' } });
  expect(res.status).toBe(200);
  return (res.body as Array<{ session_id: string }>)[0]!.session_id;
}

describe('REST auth with application credentials', () => {
  it('creates a session for the application with a Bearer RS256 JWT, naming the application as its project', async () => {
    const res = await call('POST', '/session/create', await bearer(), {
      form: { 'p2p.preference': 'disabled' },
    });
    expect(res.status).toBe(200);
    const [created] = res.body as Array<Record<string, string>>;
    expect(created!.project_id).toBe(app.appId);
    const fields = Buffer.from(created!.session_id!.slice(2), 'base64url').toString('utf8').split('~');
    expect(fields[1]).toBe(app.appId);
  });

  it('accepts the RS256 JWT in X-OPENTOK-AUTH as the PHP SDK sends it, and opentok-node claims (iss, ist)', async () => {
    const token = await signApplicationRestJwt(app.appId, app.privateKey, { iss: app.appId, ist: 'project' });
    const res = await call('GET', `/v2/project/${app.appId}/archive`, { 'x-opentok-auth': token });
    expect(res).toEqual({ status: 200, body: { count: 0, items: [] } });
  });

  it('serves the application under the root paths too, as SDKs that resolve paths from the host root call it', async () => {
    const root = new URL(app.emu.url).origin;
    const token = await signApplicationRestJwt(app.appId, app.privateKey);
    const res = await fetch(`${root}/v2/project/${app.appId}/archive`, {
      headers: { 'x-opentok-auth': token, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ items: expect.any(Array) });
  });

  it('tolerates the clock skew on exp, and no more', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const justExpired = await signApplicationRestJwt(app.appId, app.privateKey, { nowS: nowS - 920 });
    expect((await call('GET', `/v2/project/${app.appId}/archive`, await bearer(justExpired))).status).toBe(
      200,
    );
    const expired = await signApplicationRestJwt(app.appId, app.privateKey, { nowS: nowS - 960 });
    expect(await call('GET', `/v2/project/${app.appId}/archive`, await bearer(expired))).toEqual({
      status: 403,
      body: BAD_AUTH,
    });
  });

  it.each([
    [
      'signed with another key',
      async () =>
        signApplicationRestJwt(app.appId, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    ],
    [
      'for another application',
      async () => signApplicationRestJwt('00000000-0000-4000-8000-000000000000', app.privateKey),
    ],
    [
      'expired',
      async () =>
        signApplicationRestJwt(app.appId, app.privateKey, { nowS: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    [
      'issued in the future',
      async () =>
        signApplicationRestJwt(app.appId, app.privateKey, { nowS: Math.floor(Date.now() / 1000) + 3600 }),
    ],
    [
      'without exp',
      async () =>
        new SignJWT({ application_id: app.appId, iat: Math.floor(Date.now() / 1000) })
          .setProtectedHeader({ alg: 'RS256' })
          .sign(app.privateKey),
    ],
    [
      'without application_id',
      async () => signApplicationRestJwt(app.appId, app.privateKey, { application_id: undefined }),
    ],
    [
      'a client token of the application',
      async () => signApplicationClientToken(app.appId, app.privateKey, '1_MX4xfn4xfmFiY35-fg'),
    ],
  ])('refuses a JWT %s with 403 and the platform body', async (_case, sign) => {
    const token = await sign();
    const placements: Array<Record<string, string>> = [
      { authorization: `Bearer ${token}` },
      { 'x-opentok-auth': token },
    ];
    for (const headers of placements) {
      expect(await call('GET', `/v2/project/${app.appId}/archive`, headers)).toEqual({
        status: 403,
        body: BAD_AUTH,
      });
      expect(
        await call('POST', '/session/create', headers, { form: { 'p2p.preference': 'disabled' } }),
      ).toEqual({ status: 403, body: BAD_AUTH });
    }
  });

  it("refuses each credential under the other's path, and a project JWT sent as Bearer, with 403", async () => {
    expect(await call('GET', `/v2/project/${app.emu.apiKey}/archive`, await bearer())).toEqual({
      status: 403,
      body: BAD_AUTH,
    });
    expect(await call('GET', `/v2/project/${app.appId}/archive`, await projectAuth())).toEqual({
      status: 403,
      body: BAD_AUTH,
    });
    expect(
      await call('GET', `/v2/project/${app.emu.apiKey}/archive`, {
        authorization: `Bearer ${await restJwt(app.emu)}`,
      }),
    ).toEqual({ status: 403, body: BAD_AUTH });
  });
});

describe('what the application owns', () => {
  async function join(apiKey: string, sessionId: string, token: string): Promise<FakeBrowser> {
    const browser = await FakeBrowser.join(realtimeUrlOf(app.emu.url), { apiKey, sessionId, token });
    app.browsers.push(browser);
    return browser;
  }

  it("records the application's sessions under its ID, and neither side reaches the other's session or archive (404)", async () => {
    const appSession = await createSession(await bearer());
    const projectSession = await createSession(await projectAuth());
    const appClient = await join(
      app.appId,
      appSession,
      await signApplicationClientToken(app.appId, app.privateKey, appSession),
    );
    expect(appClient.connected).not.toBeNull();

    const started = await call('POST', `/v2/project/${app.appId}/archive`, await bearer(), {
      json: { sessionId: appSession, name: 'app archive' },
    });
    expect(started.status).toBe(200);
    const archive = started.body as { id: string; projectId: unknown; sessionId: string; status: string };
    expect(archive).toMatchObject({ projectId: app.appId, sessionId: appSession, status: 'started' });

    // The project's session does not exist for the application, as an unknown session (docs/platform.md §5.5).
    expect(
      await call('POST', `/v2/project/${app.appId}/archive`, await bearer(), {
        json: { sessionId: projectSession },
      }),
    ).toMatchObject({ status: 404, body: { code: -1, message: expect.stringMatching(/^Not found/) } });
    expect(
      await call('POST', `/v2/project/${app.emu.apiKey}/archive`, await projectAuth(), {
        json: { sessionId: appSession },
      }),
    ).toMatchObject({ status: 404 });
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/stop'],
      ['DELETE', ''],
    ] as const) {
      expect(
        await call(
          method,
          `/v2/project/${app.emu.apiKey}/archive/${archive.id}${suffix}`,
          await projectAuth(),
        ),
      ).toMatchObject({ status: 404, body: { code: -1 } });
    }
    expect(
      (await call('GET', `/v2/project/${app.emu.apiKey}/archive`, await projectAuth())).body,
    ).toMatchObject({
      items: expect.not.arrayContaining([expect.objectContaining({ id: archive.id })]),
    });
    const own = await call('GET', `/v2/project/${app.appId}/archive`, await bearer());
    expect((own.body as { items: Array<{ id: string }> }).items.map((a) => a.id)).toContain(archive.id);
    expect(
      (await call('POST', `/v2/project/${app.appId}/archive/${archive.id}/stop`, await bearer())).body,
    ).toMatchObject({ status: 'stopped' });
  });

  it("refuses server signals to the other side's session (404)", async () => {
    const appSession = await createSession(await bearer());
    await join(
      app.appId,
      appSession,
      await signApplicationClientToken(app.appId, app.privateKey, appSession),
    );
    const res = await call(
      'POST',
      `/v2/project/${app.emu.apiKey}/session/${appSession}/signal`,
      await projectAuth(),
      {
        json: { type: 'x', data: 'y' },
      },
    );
    expect(res.status).toBe(404);
    const own = await call('POST', `/v2/project/${app.appId}/session/${appSession}/signal`, await bearer(), {
      json: { type: 'x', data: 'y' },
    });
    expect(own.status).toBe(204);
  });
});
