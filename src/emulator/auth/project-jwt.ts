/** HS256 JWTs signed with the project's API secret, checked by jose: REST auth (docs/platform.md §1.2) and client tokens (§4). */
import { errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { AuthenticationError } from '../errors';

export interface ProjectJwtCheck {
  apiKey: string;
  apiSecret: string;
  nowMs: number;
  /** tolerated on `exp` (and `nbf`) */
  clockSkewMs: number;
  /** claims that must be present, besides `iss` */
  requiredClaims?: string[];
}

export interface VerifiedJwt {
  header: JWTHeaderParameters;
  payload: JWTPayload;
}

function describeRefusal(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired; generate a new one';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'The JWT signature does not verify with the API secret';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The JWT must be signed with HS256';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss')
    return 'The token was generated for a different API key';
  return `The JWT is not valid: ${error.message}`;
}

/**
 * Checks the signature, that `iss` is the API key, and `exp` and `nbf` where present; returns header and payload
 * for the claims that are the caller's business. Throws AuthenticationError saying what to check.
 */
export async function verifyProjectJwt(token: string, check: ProjectJwtCheck): Promise<VerifiedJwt> {
  try {
    const { protectedHeader, payload } = await jwtVerify(token, new TextEncoder().encode(check.apiSecret), {
      // Only HS256: the platform accepts no other algorithm for project keys (docs/platform.md §1.2), and accepting
      // "none" or RS256 here would let a forged token through.
      algorithms: ['HS256'],
      issuer: check.apiKey,
      requiredClaims: check.requiredClaims,
      currentDate: new Date(check.nowMs),
      clockTolerance: check.clockSkewMs / 1000,
    });
    return { header: protectedHeader, payload };
  } catch (error) {
    if (!(error instanceof errors.JOSEError)) throw error;
    throw new AuthenticationError({ message: describeRefusal(error), cause: error });
  }
}
