/** REST: session creation (JSON and XML), authentication of every call, unknown routes. */
import { SignJWT } from 'jose';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { fixture } from './support/fixtures';
import { archivePath, rest, restJwt } from './support/platform-client';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

function decodeSessionId(sessionId: string): string[] {
  return Buffer.from(sessionId.slice(2), 'base64url').toString('utf8').split('~');
}

describe('POST /session/create', () => {
  it('answers a JSON array with a platform-format session ID naming the API key when Accept is JSON', async () => {
    const res = await rest(emu, 'POST', '/session/create', { form: { 'p2p.preference': 'disabled' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const [created] = res.body as Array<Record<string, string>>;
    expect(Object.keys(created!).sort()).toEqual(
      Object.keys(fixture<object[]>('session-create.json')[0]!).sort(),
    );
    expect(created!.session_id).toMatch(/^1_[A-Za-z0-9_-]+$/);
    const fields = decodeSessionId(created!.session_id!);
    expect(fields[0]).toBe('1');
    expect(fields[1]).toBe(emu.apiKey);
    expect(created!.project_id).toBe(emu.apiKey);
    expect(created!.create_dt).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  it('answers XML without an Accept: application/json header, as Ruby and PHP parse it', async () => {
    const res = await rest(emu, 'POST', '/session/create', {
      form: { 'p2p.preference': 'enabled' },
      accept: '*/*',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><sessions><Session><session_id>1_[\w-]+<\/session_id><partner_id>\d+<\/partner_id><create_dt>[^<]+<\/create_dt><\/Session><\/sessions>$/,
    );
  });

  it('accepts fields in any order, location=null and a location hint kept in the ID', async () => {
    const vonage = await rest(emu, 'POST', '/session/create', {
      form: { archiveMode: 'manual', location: 'null', 'p2p.preference': 'disabled' },
    });
    expect(vonage.status).toBe(200);
    const located = await rest(emu, 'POST', '/session/create', {
      form: { location: '12.34.56.78', 'p2p.preference': 'enabled' },
    });
    const [created] = located.body as Array<{ session_id: string }>;
    expect(decodeSessionId(created!.session_id)[2]).toBe('12.34.56.78');
  });

  it.each([
    [{ 'p2p.preference': 'maybe' }, /p2p.preference/],
    [{ location: 'not-an-ip' }, /location/],
    [{ archiveMode: 'sometimes' }, /archiveMode/],
    [{ archiveMode: 'always', 'p2p.preference': 'enabled' }, /routed/],
    [{ archiveMode: 'always', archiveResolution: '99x99' }, /archiveResolution/],
    [{ e2ee: 'true', 'p2p.preference': 'enabled' }, /e2ee/],
  ])('refuses invalid fields %j with 400', async (form, message) => {
    const res = await rest(emu, 'POST', '/session/create', { form: form as Record<string, string> });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
  });
});

describe('REST authentication (X-OPENTOK-AUTH)', () => {
  const listPath = (): string => archivePath(emu);

  it('accepts ist in the payload or in the JOSE header (Ruby 4.x), with or without jti', async () => {
    expect(
      (await rest(emu, 'GET', listPath(), { jwt: await restJwt(emu, { istIn: 'header' }) })).status,
    ).toBe(200);
    const noJti = await new SignJWT({ iss: emu.apiKey, ist: 'project' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(emu.apiSecret));
    expect((await rest(emu, 'GET', listPath(), { jwt: noJti })).status).toBe(200);
  });

  it('answers 403 with the recorded body when the header is missing', async () => {
    const res = await rest(emu, 'POST', '/session/create', { form: {}, jwt: null });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(fixture('session-create-403.json'));
  });

  it.each([
    ['expired', { expiresInS: -3600 }],
    ['signed with another secret', { secret: 'f'.repeat(40) }],
    ['issued for another key', { iss: '999999' }],
  ])('answers 403 with the platform body for a JWT %s', async (_label, options) => {
    const res = await rest(emu, 'GET', listPath(), { jwt: await restJwt(emu, options) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(fixture('error-403-auth.json'));
  });

  it('refuses a JWT with alg none and a garbage header value', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: emu.apiKey, ist: 'project', exp: 9999999999 })).toString('base64url')}.`;
    expect((await rest(emu, 'GET', listPath(), { jwt: none })).status).toBe(403);
    expect((await rest(emu, 'GET', listPath(), { jwt: 'not-a-jwt' })).status).toBe(403);
  });

  it('refuses a path naming another project even with a valid JWT', async () => {
    const res = await rest(emu, 'GET', '/v2/project/424242/archive');
    expect(res.status).toBe(403);
  });
});

it('answers unknown routes with 404 JSON', async () => {
  const res = await rest(emu, 'GET', '/v2/project/whatever/nothing-here');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ message: expect.stringMatching(/Not found/) });
});
