/** Token generation throughput (T1, JWT HS256, JWT RS256) against node:crypto baselines. */
import { createHmac, createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import { OpenTok } from '../src/sdk';
import { encodeT1Data } from '../src/sdk/tokens';
import { compare, type BenchRow, type MeasureOptions } from './measure';

const API_KEY = '123456';
const API_SECRET = '1234567890abcdef1234567890abcdef1234567890';
const SESSION_ID = '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4';
const DATA = 'name=Johnny Appleseed';

/** Runs the token section; each row is a public generateToken call against a hand-written baseline. */
export async function runTokenBench(options: MeasureOptions = {}): Promise<BenchRow[]> {
  const opentok = new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET });
  const secretKey = createSecretKey(Buffer.from(API_SECRET));
  const rows: BenchRow[] = [];

  // T1: the baseline is the HMAC alone, over a string as long as the data string the token signs. A legacy
  // format, so the ratio is reported without a target.
  const dataLength = encodeT1Data({
    sessionId: SESSION_ID,
    role: 'publisher',
    createTime: Math.floor(Date.now() / 1000),
    nonce: Math.random(),
    connectionData: DATA,
  }).length;
  const sameLength = 'x'.repeat(dataLength);
  rows.push(
    compare(
      'T1 token (generateToken, tokenType T1)',
      () => opentok.generateToken(SESSION_ID, { tokenType: 'T1', data: DATA }),
      `HMAC-SHA1 hex over ${dataLength} chars`,
      () => createHmac('sha1', secretKey).update(sameLength).digest('hex'),
      0,
      options,
    ),
  );

  // JWT: the baseline is a hand-built HS256 JWT with the same claims and no checks.
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const claims = (now: number) => ({
    iss: API_KEY,
    ist: 'project',
    iat: now,
    exp: now + 86400,
    session_id: SESSION_ID,
    create_time: now,
    expire_time: now + 86400,
    nonce: Math.random(),
    role: 'publisher',
    initial_layout_class_list: '',
    scope: 'session.connect',
    connection_data: DATA,
  });
  rows.push(
    compare(
      'JWT token HS256 (generateToken)',
      () => opentok.generateToken(SESSION_ID, { data: DATA }),
      'hand-built HS256 JWT',
      () => {
        const input = `${header}.${Buffer.from(JSON.stringify(claims(Math.floor(Date.now() / 1000)))).toString('base64url')}`;
        return `${input}.${createHmac('sha256', secretKey).update(input).digest('base64url')}`;
      },
      0.5,
      options,
    ),
  );

  // Vonage: RSA signing dominates; the baseline is a hand-built RS256 JWT with the same claims.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const vonage = new OpenTok({
    applicationId: '00000000-0000-0000-0000-000000000000',
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  });
  const rsHeader = Buffer.from('{"typ":"JWT","alg":"RS256"}').toString('base64url');
  rows.push(
    compare(
      'JWT token RS256, Vonage (generateToken)',
      () => vonage.generateToken(SESSION_ID, { data: DATA }),
      'hand-built RS256 JWT',
      () => {
        const input = `${rsHeader}.${Buffer.from(JSON.stringify(claims(Math.floor(Date.now() / 1000)))).toString('base64url')}`;
        return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
      },
      0.5,
      options,
    ),
  );
  return rows;
}
