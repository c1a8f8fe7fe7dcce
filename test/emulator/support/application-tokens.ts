/** Signs a Vonage application's RS256 JWTs for tests: REST credentials (docs/platform.md §1.3) and client tokens (§4.4). */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** The REST claim set @vonage/video sends: jti, iat, exp (iat + 900) and application_id. */
export function signApplicationRestJwt(
  applicationId: string,
  privateKey: KeyObject,
  overrides: JWTPayload & { nowS?: number } = {},
): Promise<string> {
  const { nowS = Math.floor(Date.now() / 1000), ...claims } = overrides;
  return new SignJWT({
    jti: randomUUID(),
    iat: nowS,
    exp: nowS + 900,
    application_id: applicationId,
    ...claims,
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256' })
    .sign(privateKey);
}

/** A client token with the claims every official SDK writes for an application (§4.4). */
export function signApplicationClientToken(
  applicationId: string,
  privateKey: KeyObject,
  sessionId: string,
  overrides: JWTPayload = {},
): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({
    scope: 'session.connect',
    session_id: sessionId,
    role: 'publisher',
    initial_layout_class_list: '',
    exp: nowS + 86_400,
    sub: 'video',
    acl: { paths: { '/session/**': {} } },
    jti: randomUUID(),
    iat: nowS,
    application_id: applicationId,
    ...overrides,
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256' })
    .sign(privateKey);
}
