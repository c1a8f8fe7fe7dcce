/** The emulator's API key and secret: the user's own, or a fixed local key with a secret generated once per data folder. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CredentialsError } from './errors';
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
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new CredentialsError({
      message: `${file} could not be read (${error.code ?? error.message})`,
      cause: error,
    });
  });
  if (text === null) return null;
  // No cause and no value in these messages: a parser's message quotes the text, and a damaged secret is
  // still a secret.
  const refuse = (problem: string): CredentialsError =>
    new CredentialsError({
      message: `${file} ${problem}: it must hold {"apiSecret": "<40 lowercase hex characters>"}. The emulator did not start and left the file as it is: restore it, or set EMULATOR_API_KEY and EMULATOR_API_SECRET.`,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw refuse('is not a JSON object');
  const { apiSecret } = json as { apiSecret?: unknown };
  if (typeof apiSecret !== 'string') throw refuse('has no apiSecret string');
  if (!GENERATED_SECRET_PATTERN.test(apiSecret))
    throw refuse('has an apiSecret that is not 40 lowercase hex characters');
  return apiSecret;
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
