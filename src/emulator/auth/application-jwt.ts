/** RS256 JWTs signed with a Vonage application's private key, checked by jose: REST auth (docs/platform.md §1.3) and client tokens (§4.4). */
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthenticationError } from '../errors';

/** The Vonage application the emulator serves beside its project: its ID and the public half of its key. */
export interface ApplicationKey {
  applicationId: string;
  publicKey: KeyObject;
}

export interface ApplicationJwtCheck extends ApplicationKey {
  nowMs: number;
  /** tolerated on `exp` (and `nbf`) */
  clockSkewMs: number;
  /** claims that must be present, besides `application_id` */
  requiredClaims?: string[];
}

function describeRefusal(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired; generate a new one';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "The JWT signature does not verify with the application's public key";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'An application JWT must be signed with RS256';
  return `The JWT is not valid: ${error.message}`;
}

/**
 * Checks the RS256 signature, that `application_id` is this application, and `exp` and `nbf` where present;
 * returns the payload for the claims that are the caller's business. Throws AuthenticationError saying what to check.
 */
export async function verifyApplicationJwt(token: string, check: ApplicationJwtCheck): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, check.publicKey, {
      // Only RS256: with the public key as an HMAC secret, HS256 would let anyone who has it sign (§1.3).
      algorithms: ['RS256'],
      requiredClaims: ['application_id', ...(check.requiredClaims ?? [])],
      currentDate: new Date(check.nowMs),
      clockTolerance: check.clockSkewMs / 1000,
    }));
  } catch (error) {
    if (!(error instanceof errors.JOSEError)) throw error;
    throw new AuthenticationError({ message: describeRefusal(error), cause: error });
  }
  if (payload.application_id !== check.applicationId) {
    throw new AuthenticationError({ message: 'The token was generated for a different application ID' });
  }
  return payload;
}
