/** Properties: any connection data and role survive a token's round trip; any change to a signed token is refused. */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, type JWTPayload } from 'jose';
import { verifyClientToken, type VerifyClientTokenInput } from '../../src/emulator/auth/client-token';

const apiKey = '123456';
const apiSecret = '1234567890abcdef1234567890abcdef1234567890';
const sessionId = '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4';
const nowMs = 1_700_000_000_000;
const base: Omit<VerifyClientTokenInput, 'token'> = { apiKey, apiSecret, sessionId, nowMs, clockSkewMs: 0 };

const roles = fc.constantFrom('subscriber', 'publisher', 'publisheronly', 'moderator' as const);
const connectionData = fc.string({ unit: 'binary', maxLength: 200 });

/** Ruby's form encoding (docs/platform.md §4.1): unreserved kept, everything else %XX, space as +. */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function t1(role: string, data: string, urlSafe: boolean): string {
  const dataString = `role=${role}&session_id=${sessionId}&create_time=${nowMs / 1000}&nonce=0.5&expire_time=${nowMs / 1000 + 60}&connection_data=${formEncode(data)}`;
  const sig = createHmac('sha1', apiSecret).update(dataString).digest('hex');
  const encoded = Buffer.from(`partner_id=${apiKey}&sig=${sig}:${dataString}`).toString('base64');
  return `T1==${urlSafe ? encoded.replace(/\+/g, '-').replace(/\//g, '_') : encoded}`;
}

function hs256(payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(apiSecret));
}

it('T1 tokens keep any role and connection data, in either base64 alphabet', async () => {
  await fc.assert(
    fc.asyncProperty(roles, connectionData, fc.boolean(), async (role, data, urlSafe) => {
      const claims = await verifyClientToken({ ...base, token: t1(role, data, urlSafe) });
      return claims.role === role && claims.connectionData === data;
    }),
    { numRuns: 200 },
  );
});

it('JWT tokens keep any role and connection data', async () => {
  await fc.assert(
    fc.asyncProperty(roles, connectionData, async (role, data) => {
      const token = await hs256({
        iss: apiKey,
        ist: 'project',
        iat: nowMs / 1000,
        exp: nowMs / 1000 + 60,
        session_id: sessionId,
        role,
        scope: 'session.connect',
        connection_data: data,
      });
      const claims = await verifyClientToken({ ...base, token });
      return claims.role === role && claims.connectionData === data;
    }),
    { numRuns: 200 },
  );
});

function sameBytes(a: string, b: string): boolean {
  const decode = (token: string): Buffer[] =>
    token.startsWith('T1==')
      ? [Buffer.from(token.slice(4), 'base64')]
      : token.split('.').map((part) => Buffer.from(part, 'base64url'));
  const [x, y] = [decode(a), decode(b)];
  return x.length === y.length && x.every((part, i) => part.equals(y[i]!));
}

it('refuses a signed token with any single character changed', async () => {
  const tokens = [
    t1('publisher', 'name=Ann', false),
    await hs256({
      iss: apiKey,
      session_id: sessionId,
      role: 'publisher',
      scope: 'session.connect',
      exp: nowMs / 1000 + 60,
    }),
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...tokens),
      fc.nat(),
      fc.constantFrom('A', 'z', '0', '9'),
      async (token, at, replacement) => {
        const index = 4 + (at % (token.length - 4));
        if (token[index] === replacement) return true;
        const altered = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
        // Base64 has spare bits at the end of a group: a change there decodes to the same bytes and is no change.
        if (sameBytes(token, altered)) return true;
        try {
          await verifyClientToken({ ...base, token: altered });
          return false;
        } catch {
          return true;
        }
      },
    ),
    { numRuns: 300 },
  );
});
