/** The emulator's Vonage application: generated once per data folder, or given as a pair; only its public key is kept. */
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { compactVerify, CompactSign } from 'jose';
import pino from 'pino';
import { ConfigError, loadEmulatorConfig } from '../../src/app/config';
import { loadApplication } from '../../src/emulator/application';
import { CredentialsError } from '../../src/emulator/errors';
import { createEmulator } from '../../src/emulator';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emulator-app-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function writeKey(type: 'rsa' | 'ec' = 'rsa'): Promise<string> {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = path.join(dir, `given-${type}.pem`);
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

/** Signs with the private key file and verifies with the public key the emulator derived: the two are one pair. */
async function expectSamePair(privateKeyPath: string, publicKey: Parameters<typeof compactVerify>[1]) {
  const key = createPrivateKey(await readFile(privateKeyPath));
  const jws = await new CompactSign(new TextEncoder().encode('x'))
    .setProtectedHeader({ alg: 'RS256' })
    .sign(key);
  await expect(compactVerify(jws, publicKey)).resolves.toBeDefined();
}

describe('a generated application', () => {
  it('is made on first run: a UUID, and the private key as a PEM file of mode 0600 in the data folder', async () => {
    const app = await loadApplication({ dataDir: dir });
    expect(app.source).toBe('generated');
    expect(app.applicationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(path.dirname(app.privateKeyPath)).toBe(dir);
    expect(await readFile(app.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await stat(app.privateKeyPath)).mode & 0o777).toBe(0o600);
    expect(app.publicKey.type).toBe('public');
    await expectSamePair(app.privateKeyPath, app.publicKey);
  });

  it('is the same application on the next run', async () => {
    const first = await loadApplication({ dataDir: dir });
    const again = await loadApplication({ dataDir: dir });
    expect(again).toMatchObject({ applicationId: first.applicationId, source: 'data folder' });
    await expectSamePair(first.privateKeyPath, again.publicKey);
  });

  it('stops the start when half of a kept pair is there, and leaves the folder as it is', async () => {
    const first = await loadApplication({ dataDir: dir });
    await rm(first.privateKeyPath);
    const before = await readdir(dir);
    await expect(loadApplication({ dataDir: dir })).rejects.toThrow(CredentialsError);
    await expect(loadApplication({ dataDir: dir })).rejects.toThrow(
      /is there but .*emulator-application\.key is not/,
    );
    expect(await readdir(dir)).toEqual(before);
  });

  it('stops the start on a damaged application file without quoting it', async () => {
    const first = await loadApplication({ dataDir: dir });
    await writeFile(path.join(dir, 'emulator-application.json'), '{"applicationId": "not-a-uuid"}');
    const error = await loadApplication({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(String((error as Error).message)).not.toContain('not-a-uuid');
    expect(await readFile(first.privateKeyPath, 'utf8')).toMatch(/PRIVATE KEY/);
  });
});

describe('a given application', () => {
  it('uses the given ID and derives the public key from the given file, writing nothing to the data folder', async () => {
    const keyFile = await writeKey();
    const applicationId = randomUUID();
    const app = await loadApplication({ dataDir: dir, applicationId, privateKeyPath: keyFile });
    expect(app).toMatchObject({ applicationId, privateKeyPath: keyFile, source: 'options' });
    await expectSamePair(keyFile, app.publicKey);
    expect(await readdir(dir)).toEqual(['given-rsa.pem']);
  });

  it.each([
    [{ applicationId: randomUUID() }, /^EMULATOR_APPLICATION_ID is set but EMULATOR_PRIVATE_KEY_PATH is not/],
    [
      { privateKeyPath: '/tmp/key.pem' },
      /^EMULATOR_PRIVATE_KEY_PATH is set but EMULATOR_APPLICATION_ID is not/,
    ],
  ])('refuses one without the other (%j) with a one-line CredentialsError', async (given, message) => {
    const error = await loadApplication({ dataDir: dir, ...given }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses an ID that is not a UUID, a missing file, a file that is not a key, and a key that is not RSA', async () => {
    const rsa = await writeKey();
    const notKey = path.join(dir, 'notes.txt');
    await writeFile(notKey, 'hello');
    const cases = [
      [{ applicationId: '123456', privateKeyPath: rsa }, /must be a lowercase UUID/],
      [
        { applicationId: randomUUID(), privateKeyPath: path.join(dir, 'none.pem') },
        /could not be read \(ENOENT\)/,
      ],
      [{ applicationId: randomUUID(), privateKeyPath: notKey }, /is not a PEM private key/],
      [{ applicationId: randomUUID(), privateKeyPath: await writeKey('ec') }, /is not an RSA key/],
    ] as const;
    for (const [given, message] of cases) {
      await expect(loadApplication({ dataDir: dir, ...given })).rejects.toThrow(message);
    }
  });

  it('is read from EMULATOR_APPLICATION_ID and EMULATOR_PRIVATE_KEY_PATH, both or neither', () => {
    const applicationId = randomUUID();
    expect(
      loadEmulatorConfig({ EMULATOR_APPLICATION_ID: applicationId, EMULATOR_PRIVATE_KEY_PATH: '/k.pem' }),
    ).toMatchObject({ applicationId, privateKeyPath: '/k.pem' });
    expect(loadEmulatorConfig({})).not.toHaveProperty('applicationId');
    expect(() => loadEmulatorConfig({ EMULATOR_APPLICATION_ID: applicationId })).toThrow(ConfigError);
    expect(() => loadEmulatorConfig({ EMULATOR_APPLICATION_ID: applicationId })).toThrow(
      /^EMULATOR_APPLICATION_ID is set but EMULATOR_PRIVATE_KEY_PATH is not/,
    );
    expect(() => loadEmulatorConfig({ EMULATOR_PRIVATE_KEY_PATH: '/k.pem' })).toThrow(
      /^EMULATOR_PRIVATE_KEY_PATH is set but EMULATOR_APPLICATION_ID is not/,
    );
  });
});

describe('the emulator', () => {
  it('exposes the application ID and the key path, and logs where the key is but never the key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const emulator = await createEmulator({ dataDir: dir, logger: pino({ level: 'trace' }, sink) });
    try {
      const key = await readFile(emulator.privateKeyPath, 'utf8');
      const body = key.split('\n').slice(1, -2).join('');
      const log = lines.join('');
      expect(log).toContain(emulator.applicationId);
      expect(log).toContain(JSON.stringify(emulator.privateKeyPath));
      expect(log).not.toContain('PRIVATE KEY');
      expect(log).not.toContain(body.slice(0, 40));
      expect(Object.values(emulator)).not.toContain(key);
    } finally {
      await emulator.close();
    }
  });
});
