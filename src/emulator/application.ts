/** The emulator's Vonage application: an application ID and the public half of its RSA key pair (docs/platform.md §1.1). */
import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CredentialsError } from './errors';
import { readKeptField, readKeptFile } from './kept-file';
import { writeFileAtomic } from './storage/atomic-file';

const APPLICATION_FILE = 'emulator-application.json';
const PRIVATE_KEY_FILE = 'emulator-application.key';
/** A UUID, the shape the PHP SDK checks an application ID against (docs/platform.md §1.1). */
const APPLICATION_ID_PATTERN = /^[a-f0-9-]{36}$/;

export interface Application {
  applicationId: string;
  /** verifies the application's RS256 REST JWTs and client tokens; the private key itself is not kept */
  publicKey: KeyObject;
  /** where the private key is, for the start-up line and for an SDK in the same process */
  privateKeyPath: string;
  source: 'options' | 'data folder' | 'generated';
}

export interface ApplicationInput {
  dataDir: string;
  applicationId?: string;
  privateKeyPath?: string;
}

/** Derives the public key, so nothing but this function ever holds the private key; messages never quote it. */
async function readPublicKey(privateKeyPath: string, setting: string): Promise<KeyObject> {
  const pem = await fs.readFile(privateKeyPath).catch((error: NodeJS.ErrnoException) => {
    throw new CredentialsError({
      message: `${setting} ${privateKeyPath} could not be read (${error.code ?? error.message})`,
    });
  });
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(createPrivateKey(pem));
  } catch {
    throw new CredentialsError({
      message: `${setting} ${privateKeyPath} is not a PEM private key: give the application's RSA private key`,
    });
  }
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new CredentialsError({
      message: `${setting} ${privateKeyPath} is not an RSA key: applications sign with RS256`,
    });
  }
  return publicKey;
}

function checkApplicationId(applicationId: string, setting: string): void {
  if (!APPLICATION_ID_PATTERN.test(applicationId)) {
    throw new CredentialsError({
      message: `${setting} must be a lowercase UUID (e.g. 00000000-0000-0000-0000-000000000000), as a Vonage application ID is`,
    });
  }
}

/** Both or neither: the ID of one application with the key of another would refuse every token. */
async function readGivenApplication(input: ApplicationInput): Promise<Application> {
  const { applicationId, privateKeyPath } = input;
  if (!applicationId || !privateKeyPath) {
    const [given, missing] = applicationId
      ? ['EMULATOR_APPLICATION_ID', 'EMULATOR_PRIVATE_KEY_PATH']
      : ['EMULATOR_PRIVATE_KEY_PATH', 'EMULATOR_APPLICATION_ID'];
    throw new CredentialsError({
      message: `${given} is set but ${missing} is not: set both, or neither for an application generated in the data folder`,
    });
  }
  checkApplicationId(applicationId, 'EMULATOR_APPLICATION_ID');
  const publicKey = await readPublicKey(privateKeyPath, 'EMULATOR_PRIVATE_KEY_PATH');
  return { applicationId, publicKey, privateKeyPath: path.resolve(privateKeyPath), source: 'options' };
}

/**
 * The given application, the one kept in the data folder, or a new one written there. Half of a kept pair
 * stops the start: making a new one would silently invalidate every token signed with the old key.
 */
export async function loadApplication(input: ApplicationInput): Promise<Application> {
  if (input.applicationId || input.privateKeyPath) return readGivenApplication(input);
  const idFile = path.join(input.dataDir, APPLICATION_FILE);
  const keyFile = path.join(input.dataDir, PRIVATE_KEY_FILE);
  const idText = await readKeptFile(idFile);
  const hasKey = await fs.stat(keyFile).then(
    () => true,
    () => false,
  );
  if (idText !== null && hasKey) {
    const applicationId = readKeptField(idFile, idText, {
      name: 'applicationId',
      shape: 'a UUID',
      pattern: APPLICATION_ID_PATTERN,
      instead: 'EMULATOR_APPLICATION_ID and EMULATOR_PRIVATE_KEY_PATH',
    });
    const publicKey = await readPublicKey(keyFile, 'The application key');
    return { applicationId, publicKey, privateKeyPath: keyFile, source: 'data folder' };
  }
  if (idText !== null || hasKey) {
    const [present, missing] = hasKey ? [keyFile, idFile] : [idFile, keyFile];
    throw new CredentialsError({
      message: `${present} is there but ${missing} is not: restore it, or remove both for a new application`,
    });
  }
  const applicationId = randomUUID();
  // Off the event loop: a 2048-bit key takes a few hundred milliseconds to find.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  // The key first: a start that stops between the two writes finds a key without an ID, and says so.
  await writeFileAtomic(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFileAtomic(idFile, `${JSON.stringify({ applicationId }, null, 2)}\n`);
  return { applicationId, publicKey, privateKeyPath: keyFile, source: 'generated' };
}
