/** The emulator's API key and secret: the user's own, or a fixed local key with a secret generated once per data folder. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
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

export async function loadCredentials(input: {
  dataDir: string;
  apiKey?: string;
  apiSecret?: string;
}): Promise<Credentials> {
  const apiKey = input.apiKey ?? LOCAL_API_KEY;
  if (input.apiSecret) return { apiKey, apiSecret: input.apiSecret, source: 'options' };
  const file = path.join(input.dataDir, SECRET_FILE);
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing !== null) {
    const parsed = JSON.parse(existing) as { apiSecret?: unknown };
    if (typeof parsed.apiSecret === 'string' && /^[a-f0-9]{40}$/.test(parsed.apiSecret)) {
      return { apiKey, apiSecret: parsed.apiSecret, source: 'data folder' };
    }
  }
  // 40 hex characters: the shape of an OpenTok API secret (reference §1.1).
  const apiSecret = randomBytes(20).toString('hex');
  await writeFileAtomic(file, `${JSON.stringify({ apiSecret }, null, 2)}\n`);
  return { apiKey, apiSecret, source: 'generated' };
}
