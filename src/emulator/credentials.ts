/** The emulator's API key and secret: the user's own, or a fixed local key with a secret generated once per data folder. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CredentialsError } from './errors';
import { readKeptField, readKeptFile } from './kept-file';
import { writeFileAtomic } from './storage/atomic-file';

/** Documented local API key: digits, like an OpenTok project key, so every SDK's key check accepts it. */
export const LOCAL_API_KEY = '100000001';
const SECRET_FILE = 'emulator-secret.json';

export interface Credentials {
  apiKey: string;
  apiSecret: string;
  /** where the secret came from, for the start-up log line */
  source: 'options' | 'data folder' | 'generated';
}

/** Where the secret can be read, for the start-up log line: no part of the secret itself is ever logged. */
export function describeSecretSource(credentials: Credentials, dataDir: string): string {
  return credentials.source === 'options' ? 'EMULATOR_API_SECRET' : path.join(dataDir, SECRET_FILE);
}

/** Both or neither: filling in the missing half would pair the user's key or secret with one they never see. */
function readGivenCredentials(apiKey: string | undefined, apiSecret: string | undefined): Credentials {
  if (!apiKey || !apiSecret) {
    const [given, missing] = apiKey
      ? ['EMULATOR_API_KEY', 'EMULATOR_API_SECRET']
      : ['EMULATOR_API_SECRET', 'EMULATOR_API_KEY'];
    throw new CredentialsError({
      message: `${given} is set but ${missing} is not: set both, or neither for the local key ${LOCAL_API_KEY} and a generated secret`,
    });
  }
  // The PHP SDK tells a project key from an application ID by ^\d+$ (docs/platform.md §1.1).
  if (!/^\d+$/.test(apiKey)) {
    throw new CredentialsError({
      message: `EMULATOR_API_KEY must be digits only (e.g. ${LOCAL_API_KEY}): some official SDKs accept a project key only if it matches ^\\d+$`,
    });
  }
  return { apiKey, apiSecret, source: 'options' };
}

/** 40 hex characters: the shape of an OpenTok API secret (docs/platform.md §1.1). */
const GENERATED_SECRET_PATTERN = /^[a-f0-9]{40}$/;

/**
 * The secret kept in the data folder, or null when there is none yet. A file that is there but unusable stops
 * the start: replacing it would silently invalidate every token and link signed with the secret it held.
 */
async function readSecretFile(file: string): Promise<string | null> {
  const text = await readKeptFile(file);
  if (text === null) return null;
  return readKeptField(file, text, {
    name: 'apiSecret',
    shape: '40 lowercase hex characters',
    pattern: GENERATED_SECRET_PATTERN,
    instead: 'EMULATOR_API_KEY and EMULATOR_API_SECRET',
  });
}

export async function loadCredentials(input: {
  dataDir: string;
  apiKey?: string;
  apiSecret?: string;
}): Promise<Credentials> {
  if (input.apiKey || input.apiSecret) return readGivenCredentials(input.apiKey, input.apiSecret);
  const apiKey = LOCAL_API_KEY;
  const file = path.join(input.dataDir, SECRET_FILE);
  const existing = await readSecretFile(file);
  if (existing !== null) return { apiKey, apiSecret: existing, source: 'data folder' };
  const apiSecret = randomBytes(20).toString('hex');
  await writeFileAtomic(file, `${JSON.stringify({ apiSecret }, null, 2)}\n`);
  return { apiKey, apiSecret, source: 'generated' };
}
