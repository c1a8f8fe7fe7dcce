/** loadConfig: local mode by default, each credential flavour, and one clear line for every bad setting. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadEmulatorConfig } from '../../src/app/config';

const APP_ID = '1f0d5c9a-3b2e-4c1d-9e8f-0a1b2c3d4e5f';
const SECRET = '0123456789abcdef0123456789abcdef01234567';

function configError(
  env: Record<string, string>,
  load: (env: Record<string, string>) => unknown = loadConfig,
): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir: string;
  let keyPath: string;
  let pem: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'app-config-'));
    pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    keyPath = path.join(dir, 'private.key');
    writeFileSync(keyPath, pem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in local mode with defaults when nothing is set (empty .env values count as unset)', () => {
    const config = loadConfig({ API_KEY: '', API_SECRET: '  ', VONAGE_APPLICATION_ID: '' });
    expect(config).toMatchObject({ mode: 'local', host: '127.0.0.1', port: 3000, logLevel: 'info' });
    expect(config.credentials).toBeUndefined();
    expect(config.emulator.dataDir).toBe(path.resolve('./data'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('selects opentok mode with both API_KEY and API_SECRET', () => {
    const config = loadConfig({ API_KEY: '123456', API_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'WARN' });
    expect(config.mode).toBe('opentok');
    expect(config.credentials).toEqual({ kind: 'opentok', apiKey: '123456', apiSecret: SECRET });
    expect(config.port).toBe(0);
    expect(config.logLevel).toBe('warn');
  });

  it('selects vonage mode from a key file or an inline key with escaped newlines', () => {
    const fromFile = loadConfig({ VONAGE_APPLICATION_ID: APP_ID, VONAGE_PRIVATE_KEY_PATH: keyPath });
    expect(fromFile.mode).toBe('vonage');
    expect(fromFile.credentials).toEqual({ kind: 'vonage', applicationId: APP_ID, privateKey: pem });
    const inline = loadConfig({
      VONAGE_APPLICATION_ID: APP_ID,
      VONAGE_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    });
    expect(inline.credentials).toEqual({ kind: 'vonage', applicationId: APP_ID, privateKey: pem });
  });

  it('keeps OPENTOK_API_URL without a trailing slash and HOST_PASSWORD', () => {
    const config = loadConfig({
      API_KEY: '123456',
      API_SECRET: SECRET,
      OPENTOK_API_URL: 'http://127.0.0.1:9999/',
      HOST_PASSWORD: 'pw',
      HOST: '0.0.0.0',
    });
    expect(config.apiUrl).toBe('http://127.0.0.1:9999');
    expect(config.hostPassword).toBe('pw');
    expect(config.host).toBe('0.0.0.0');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['API_KEY without API_SECRET', { API_KEY: '123456' }, /API_SECRET is not/],
    ['API_SECRET without API_KEY', { API_SECRET: SECRET }, /API_KEY is not/],
    ['a non-numeric API_KEY', { API_KEY: 'abc', API_SECRET: SECRET }, /API_KEY must be the digits/],
    ['an API_SECRET with spaces', { API_KEY: '1', API_SECRET: 'a b' }, /API_SECRET must be/],
    [
      'VONAGE_APPLICATION_ID without a key',
      { VONAGE_APPLICATION_ID: APP_ID },
      /VONAGE_PRIVATE_KEY_PATH is not/,
    ],
    [
      'a Vonage key without VONAGE_APPLICATION_ID',
      { VONAGE_PRIVATE_KEY_PATH: '/x' },
      /VONAGE_APPLICATION_ID is not/,
    ],
    [
      'an application ID that is not a UUID',
      { VONAGE_APPLICATION_ID: 'app', VONAGE_PRIVATE_KEY: 'k' },
      /UUID/,
    ],
    [
      'an unreadable key file',
      { VONAGE_APPLICATION_ID: APP_ID, VONAGE_PRIVATE_KEY_PATH: '/nonexistent/key' },
      /cannot be read/,
    ],
    [
      'an inline key that is not PEM',
      { VONAGE_APPLICATION_ID: APP_ID, VONAGE_PRIVATE_KEY: 'not a key' },
      /not a PEM/,
    ],
    [
      'both credential flavours',
      { API_KEY: '1', API_SECRET: SECRET, VONAGE_APPLICATION_ID: APP_ID },
      /keep only one/,
    ],
    ['OPENTOK_API_URL without credentials', { OPENTOK_API_URL: 'https://api.opentok.com' }, /no credentials/],
    [
      'a malformed OPENTOK_API_URL',
      { API_KEY: '1', API_SECRET: SECRET, OPENTOK_API_URL: 'api.opentok' },
      /http\(s\) URL/,
    ],
    ['a PORT out of range', { PORT: '70000' }, /PORT must be a number/],
    ['a PORT that is not a number', { PORT: 'http' }, /PORT must be a number/],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [
      'EMULATOR_API_KEY without EMULATOR_API_SECRET',
      { EMULATOR_API_KEY: '100000001' },
      /^EMULATOR_API_KEY is set but EMULATOR_API_SECRET is not: set both, or neither/,
    ],
    [
      'EMULATOR_API_SECRET without EMULATOR_API_KEY',
      { EMULATOR_API_SECRET: SECRET },
      /^EMULATOR_API_SECRET is set but EMULATOR_API_KEY is not: set both, or neither/,
    ],
    [
      'a non-numeric EMULATOR_API_KEY',
      { EMULATOR_API_KEY: 'local-key', EMULATOR_API_SECRET: SECRET },
      /^EMULATOR_API_KEY must be digits only .*\^\\d\+\$/,
    ],
  ];

  it.each(bad)('refuses %s with one line that says what to set', (_case, env, pattern) => {
    const error = configError(env);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('PRIVATE KEY-----');
  });

  it('passes EMULATOR_API_KEY and EMULATOR_API_SECRET to the emulator only as a pair', () => {
    expect(loadConfig({}).emulator).toEqual({ dataDir: path.resolve('./data') });
    expect(
      loadConfig({ EMULATOR_API_KEY: ' 4242 ', EMULATOR_API_SECRET: SECRET, DATA_DIR: dir }).emulator,
    ).toEqual({ apiKey: '4242', apiSecret: SECRET, dataDir: dir });
    expect(loadConfig({ EMULATOR_API_KEY: '', EMULATOR_API_SECRET: '' }).emulator).toEqual({
      dataDir: path.resolve('./data'),
    });
  });

  it('chooses the local credentials with LOCAL_CREDENTIALS: the Vonage application by default', () => {
    expect(loadConfig({}).localCredentials).toBe('vonage');
    expect(loadConfig({ LOCAL_CREDENTIALS: '' }).localCredentials).toBe('vonage');
    expect(loadConfig({ LOCAL_CREDENTIALS: 'vonage' }).localCredentials).toBe('vonage');
    expect(loadConfig({ LOCAL_CREDENTIALS: ' opentok ' }).localCredentials).toBe('opentok');
    expect(loadConfig({ API_KEY: '123456', API_SECRET: SECRET }).localCredentials).toBeUndefined();
    expect(configError({ LOCAL_CREDENTIALS: 'OpenTok-key' }).message).toBe(
      'LOCAL_CREDENTIALS must be vonage (an application, the default) or opentok (a project key) (got "OpenTok-key")',
    );
  });

  it('refuses LOCAL_CREDENTIALS beside real credentials, in one line', () => {
    const refusal =
      'LOCAL_CREDENTIALS is set but so are real credentials: it chooses the emulator credentials in local mode only, so unset it';
    expect(configError({ API_KEY: '123456', API_SECRET: SECRET, LOCAL_CREDENTIALS: 'opentok' }).message).toBe(
      refusal,
    );
    const vonage = { VONAGE_APPLICATION_ID: APP_ID, VONAGE_PRIVATE_KEY_PATH: keyPath };
    expect(configError({ ...vonage, LOCAL_CREDENTIALS: 'vonage' }).message).toBe(refusal);
  });

  it('passes EMULATOR_APPLICATION_ID and EMULATOR_PRIVATE_KEY_PATH to the emulator only as a pair', () => {
    expect(
      loadConfig({ EMULATOR_APPLICATION_ID: APP_ID, EMULATOR_PRIVATE_KEY_PATH: keyPath, DATA_DIR: dir })
        .emulator,
    ).toEqual({ applicationId: APP_ID, privateKeyPath: keyPath, dataDir: dir });
    expect(configError({ EMULATOR_APPLICATION_ID: APP_ID }).message).toMatch(
      /^EMULATOR_APPLICATION_ID is set but EMULATOR_PRIVATE_KEY_PATH is not/,
    );
    expect(configError({ EMULATOR_PRIVATE_KEY_PATH: keyPath }).message).toMatch(
      /^EMULATOR_PRIVATE_KEY_PATH is set but EMULATOR_APPLICATION_ID is not/,
    );
  });

  it('reads ICE_SERVERS as a JSON array of ICE servers, none when unset', () => {
    expect(loadConfig({}).iceServers).toEqual([]);
    expect(loadConfig({ ICE_SERVERS: ' ' }).iceServers).toEqual([]);
    const servers = [
      { urls: 'stun:192.168.1.10:3478' },
      {
        urls: ['turn:192.168.1.10:3478?transport=udp', 'turns:lan.example:5349'],
        username: 'u',
        credential: 'c',
      },
    ];
    const config = loadConfig({ ICE_SERVERS: JSON.stringify(servers) });
    expect(config.iceServers).toEqual(servers);
    expect(Object.isFrozen(config.iceServers)).toBe(true);
  });

  const badIceServers: Array<[string, string, RegExp]> = [
    ['text that is not JSON', 'stun:192.168.1.10:3478', /not valid JSON/],
    ['one object instead of an array', '{"urls":"stun:192.168.1.10"}', /expected array/],
    ['an http URL', '[{"urls":"http://192.168.1.10"}]', /urls must be a stun:.*ICE_SERVERS\[0\]\.urls/],
    ['an empty urls array', '[{"urls":[]}]', /urls must be/],
    ['a missing urls', '[{"url":"stun:192.168.1.10"}]', /urls must be/],
    [
      'a TURN server without a credential',
      '[{"urls":"turn:h:3478","username":"u"}]',
      /needs a username and a credential/,
    ],
    ['an unknown field', '[{"urls":"stun:h","password":"x"}]', /password/],
  ];

  it.each(badIceServers)(
    'refuses ICE_SERVERS with %s in one line that shows the expected shape',
    (_case, value, pattern) => {
      const error = configError({ ICE_SERVERS: value });
      expect(error.message).toMatch(/^ICE_SERVERS must be a JSON array .*\[\{"urls":"stun:/);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('\n');
    },
  );

  it('never puts a TURN credential from a malformed ICE_SERVERS in the message', () => {
    const error = configError({
      ICE_SERVERS: '[{"urls":"turn:h","username":"u","credential":"hunter2-secret",}]',
    });
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.cause).toBeUndefined();
  });

  it('never puts the inline private key in the message', () => {
    const error = configError({ VONAGE_APPLICATION_ID: 'app', VONAGE_PRIVATE_KEY: pem });
    expect(error.message).not.toContain(pem.split('\n')[1]);
  });
});

describe('loadEmulatorConfig (the standalone emulator)', () => {
  it('listens on port 3001 with the local key by default, and reads the same variables as the app', () => {
    expect(loadEmulatorConfig({})).toEqual({ port: 3001, logLevel: 'info', dataDir: path.resolve('./data') });
    const config = loadEmulatorConfig({
      EMULATOR_PORT: '0',
      LOG_LEVEL: 'Debug',
      DATA_DIR: '/tmp/emulator-data',
      EMULATOR_API_KEY: '4242',
      EMULATOR_API_SECRET: SECRET,
    });
    expect(config).toEqual({
      port: 0,
      logLevel: 'debug',
      dataDir: '/tmp/emulator-data',
      apiKey: '4242',
      apiSecret: SECRET,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      'an EMULATOR_PORT that is not a number',
      { EMULATOR_PORT: 'http' },
      /^EMULATOR_PORT must be a number from 0 to 65535 \(got "http"\)$/,
    ],
    ['an EMULATOR_PORT out of range', { EMULATOR_PORT: '70000' }, /^EMULATOR_PORT must be a number/],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [
      'EMULATOR_API_KEY alone',
      { EMULATOR_API_KEY: '100000001' },
      /^EMULATOR_API_KEY is set but EMULATOR_API_SECRET is not/,
    ],
    [
      'EMULATOR_API_SECRET alone',
      { EMULATOR_API_SECRET: SECRET },
      /^EMULATOR_API_SECRET is set but EMULATOR_API_KEY is not/,
    ],
    [
      'a non-numeric EMULATOR_API_KEY',
      { EMULATOR_API_KEY: 'local-key', EMULATOR_API_SECRET: SECRET },
      /^EMULATOR_API_KEY must be digits only/,
    ],
  ];

  it.each(bad)('refuses %s with the same one line as the app', (_case, env, pattern) => {
    const error = configError(env, loadEmulatorConfig);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(SECRET);
  });
});
