/** HS256 JSON Web Tokens with node:crypto: verification for REST auth and client tokens, signing for tests and tools. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  header: JsonObject;
  payload: JsonObject;
}

function decodeSegment(segment: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new AuthenticationError({ message: `The JWT ${what} is not base64url-encoded JSON`, cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthenticationError({ message: `The JWT ${what} is not a JSON object` });
  }
  return parsed as JsonObject;
}

/** Checks the HS256 signature with `secret` and returns header and payload; claims are the caller's business. */
export function verifyHs256Jwt(token: string, secret: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3)
    throw new AuthenticationError({ message: 'The token is not a JWT (three dot-separated parts)' });
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeSegment(headerPart, 'header');
  // Only HS256: the platform accepts no other algorithm for project keys (reference §1.2), and
  // accepting "none" or RS256 here would let a forged token through.
  if (header.alg !== 'HS256') throw new AuthenticationError({ message: 'The JWT must be signed with HS256' });
  const payload = decodeSegment(payloadPart, 'payload');
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthenticationError({ message: 'The JWT signature does not verify with the API secret' });
  }
  return { header, payload };
}

export function signHs256Jwt(
  payload: JsonObject,
  secret: string,
  header: JsonObject = { alg: 'HS256', typ: 'JWT' },
): string {
  const encode = (value: JsonObject): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}
