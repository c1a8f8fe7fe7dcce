/** The emulator's REST API takes a project's server JWT and nothing else: a client token a page embeds is refused. */
import { SignJWT } from 'jose';
import { OpenTok } from '../../src/sdk';
import { FakeBrowser, realtimeUrlOf } from '../emulator/support/fake-browser';
import { fixture } from '../emulator/support/fixtures';
import {
  archivePath,
  createSession,
  jwtClientToken,
  rest,
  restJwt,
  t1ClientToken,
} from '../emulator/support/platform-client';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

let emu: TestEmulator;
let sessionId: string;
let host: FakeBrowser;
let archiveId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  sessionId = await createSession(emu);
  host = await FakeBrowser.join(realtimeUrlOf(emu.url), {
    apiKey: emu.apiKey,
    sessionId,
    token: await jwtClientToken(emu, sessionId, { role: 'moderator' }),
  });
  await host.publish();
  const started = await rest(emu, 'POST', archivePath(emu), { body: { sessionId } });
  expect(started.status).toBe(200);
  archiveId = (started.body as { id: string }).id;
});
afterAll(async () => {
  await host.leave();
  await emu.close();
});

/** Every kind of REST call a stolen credential could make, from reading to deleting. */
function restCalls(): Array<[string, string, string, { body?: unknown; form?: Record<string, string> }]> {
  const session = `/v2/project/${emu.apiKey}/session/${sessionId}`;
  return [
    ['list archives (and their download links)', 'GET', archivePath(emu), {}],
    ['get an archive', 'GET', archivePath(emu, `/${archiveId}`), {}],
    ['start an archive', 'POST', archivePath(emu), { body: { sessionId } }],
    ['stop an archive', 'POST', archivePath(emu, `/${archiveId}/stop`), {}],
    ['delete an archive', 'DELETE', archivePath(emu, `/${archiveId}`), {}],
    ['create a session', 'POST', '/session/create', { form: { 'p2p.preference': 'disabled' } }],
    ['signal the session', 'POST', `${session}/signal`, { body: { type: 'x', data: 'y' } }],
    ['force the host out', 'DELETE', `${session}/connection/${host.connectionId}`, {}],
  ];
}

/** The tokens a page of the app embeds in local mode, minted the way the app mints them. */
function pageTokens(): Array<[string, string]> {
  const sdk = new OpenTok({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, apiUrl: emu.url });
  return [
    ['a moderator JWT client token', sdk.generateToken(sessionId, { role: 'moderator' })],
    ['a publisher JWT client token', sdk.generateToken(sessionId, { role: 'publisher', data: 'name=Ann' })],
    ['a T1 client token', sdk.generateToken(sessionId, { role: 'moderator', tokenType: 'T1' })],
  ];
}

describe('a client token sent as X-OPENTOK-AUTH', () => {
  it('is refused with the platform 403 body on every REST call, and changes nothing', async () => {
    const refusal = fixture('error-403-auth.json');
    for (const [tokenLabel, token] of [
      ...pageTokens(),
      ['a T1 token in the URL-safe alphabet', t1ClientToken(emu, sessionId, { urlSafe: true })],
    ]) {
      for (const [callLabel, method, pathname, options] of restCalls()) {
        const res = await rest(emu, method, pathname, { ...options, jwt: token });
        expect({ tokenLabel, callLabel, status: res.status, body: res.body }).toEqual({
          tokenLabel,
          callLabel,
          status: 403,
          body: refusal,
        });
      }
    }
    const archive = await rest(emu, 'GET', archivePath(emu, `/${archiveId}`));
    expect(archive.body).toMatchObject({ status: 'started' });
    expect(host.closeCode).toBeNull();
  });

  it.each([
    ['scope', 'session.connect'],
    ['session_id', 'SESSION'],
    ['role', 'moderator'],
    ['connection_data', 'name=Ann'],
    ['initial_layout_class_list', ''],
    ['create_time', 1],
    ['expire_time', 1],
    ['nonce', 0.5],
  ])('is recognised by its %s claim even beside every server claim', async (claim, value) => {
    const nowS = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: emu.apiKey,
      ist: 'project',
      jti: 'x',
      [claim]: value === 'SESSION' ? sessionId : value,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 300)
      .sign(new TextEncoder().encode(emu.apiSecret));
    const res = await rest(emu, 'GET', archivePath(emu), { jwt: token });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(fixture('error-403-auth.json'));
  });
});

describe('a server JWT', () => {
  it('signed the way every SDK signs it is accepted, with ist in the payload or the header', async () => {
    expect((await rest(emu, 'GET', archivePath(emu))).status).toBe(200);
    expect(
      (await rest(emu, 'GET', archivePath(emu), { jwt: await restJwt(emu, { istIn: 'header' }) })).status,
    ).toBe(200);
    const sdk = new OpenTok({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, apiUrl: emu.url });
    await expect(sdk.archives.all()).resolves.toBeDefined();
  });
});
