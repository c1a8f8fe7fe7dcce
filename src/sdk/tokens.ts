/** Client tokens (T1 and JWT) and REST auth JWTs: pure functions over node:crypto, no I/O. */
import { createHmac, sign, type KeyObject } from 'node:crypto';

/**
 * What a client may do in a session. `publisheronly` publishes but cannot subscribe or signal.
 *
 * @example
 * ```ts
 * const token = opentok.generateToken(sessionId, { role: 'subscriber' satisfies Role });
 * ```
 */
export type Role = 'subscriber' | 'publisher' | 'publisheronly' | 'moderator';

/**
 * Every role the platform knows, in the order error messages list them.
 *
 * @example
 * ```ts
 * const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
 * ```
 */
export const ROLES: readonly Role[] = ['subscriber', 'publisher', 'publisheronly', 'moderator'];

/** The values a client token carries, already validated by the caller. Times are epoch seconds. */
export interface TokenFields {
  /** The session the token connects to. */
  sessionId: string;
  /** What the client may do in the session. */
  role: Role;
  /** Issue time. */
  createTime: number;
  /** Random value that makes two tokens of the same second differ. */
  nonce: number;
  /** Expiry; a T1 token without one gets the platform default of 24 hours (docs/platform.md §4.1). */
  expireTime?: number;
  /** Application data shown to other clients as `connection.data`. */
  connectionData?: string;
  /** Space-separated layout classes for composed archives. */
  initialLayoutClassList?: string;
}

/**
 * Field order and form encoding of a T1 data string; the signature covers its exact bytes, so the
 * official SDKs' tokens differ although the platform accepts them all (docs/platform.md §4.1).
 * - `ruby`: Ruby SDK 2.2.0 order, Addressable form encoding, `initial_layout_class_list` last as in
 *   Ruby 4.x. The SDK's default.
 * - `opentok-node`: opentok-node's legacy path; always carries `initial_layout_class_list` and `scope`.
 * - `opentok-token`: the token-encoder package (only the fields given), example A of docs/platform.md §4.2.
 */
export type T1Layout = 'ruby' | 'opentok-node' | 'opentok-token';

const LINE_BREAK = /\r\n|\n|\r/g;
const SUB_DELIMS_KEPT_BY_ENCODE_URI = /[!'()*]/g;

/** Addressable::URI.form_encode: RFC 3986 unreserved kept, line breaks as CRLF, %20 → '+'. */
function formEncodeAddressable(value: string): string {
  return encodeURIComponent(value.replace(LINE_BREAK, '\r\n'))
    .replace(SUB_DELIMS_KEPT_BY_ENCODE_URI, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/** Builds the form-encoded data string that a T1 token signs. */
export function encodeT1Data(fields: TokenFields, layout: T1Layout = 'ruby'): string {
  if (layout === 'ruby') {
    let data = `role=${fields.role}&session_id=${formEncodeAddressable(fields.sessionId)}&create_time=${fields.createTime}&nonce=${fields.nonce}`;
    if (fields.expireTime !== undefined) data += `&expire_time=${fields.expireTime}`;
    if (fields.connectionData !== undefined) {
      data += `&connection_data=${formEncodeAddressable(fields.connectionData)}`;
    }
    if (fields.initialLayoutClassList !== undefined) {
      data += `&initial_layout_class_list=${formEncodeAddressable(fields.initialLayoutClassList)}`;
    }
    return data;
  }
  // Node's querystring.escape, which the other two layouts use, keeps exactly what encodeURIComponent keeps.
  let data = `session_id=${encodeURIComponent(fields.sessionId)}&create_time=${fields.createTime}&nonce=${fields.nonce}&role=${fields.role}`;
  if (fields.expireTime !== undefined) data += `&expire_time=${fields.expireTime}`;
  if (fields.connectionData !== undefined) {
    data += `&connection_data=${encodeURIComponent(fields.connectionData)}`;
  }
  if (layout === 'opentok-node') {
    data += `&initial_layout_class_list=${encodeURIComponent(fields.initialLayoutClassList ?? '')}&scope=session.connect`;
  } else if (fields.initialLayoutClassList !== undefined) {
    data += `&initial_layout_class_list=${encodeURIComponent(fields.initialLayoutClassList)}`;
  }
  return data;
}

/**
 * A legacy T1 token: `"T1==" + base64("partner_id=<key>&sig=<hex HMAC-SHA1(data)>:" + data)`, signed with
 * the API secret (docs/platform.md §4.1). `T1==` is a literal sentinel, not base64 padding.
 */
export function createT1Token(
  apiKey: string,
  secret: KeyObject,
  fields: TokenFields,
  layout: T1Layout = 'ruby',
): string {
  const data = encodeT1Data(fields, layout);
  const signature = createHmac('sha1', secret).update(data).digest('hex');
  return `T1==${Buffer.from(`partner_id=${apiKey}&sig=${signature}:${data}`).toString('base64')}`;
}

const HS256_HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
// @vonage/jwt writes typ before alg; kept so tokens match the official SDK's byte for byte.
const RS256_HEADER = Buffer.from('{"typ":"JWT","alg":"RS256"}').toString('base64url');

/**
 * Signs a JWT with HS256; the key is the API secret as a KeyObject built once per OpenTok instance.
 * node:crypto rather than jose, whose signing is asynchronous: generateToken is synchronous.
 */
function signHs256(payload: object, secret: KeyObject): string {
  const input = `${HS256_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Signs a JWT with RS256; the key is the application's private key as a KeyObject. */
function signRs256(payload: object, privateKey: KeyObject): string {
  const input = `${RS256_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * A client token for an OpenTok project: HS256 JWT with opentok-node's claim set (docs/platform.md §4.3), the
 * set both the platform and the local emulator accept. `iat` is the token's create time.
 */
export function createOpenTokJwt(
  apiKey: string,
  secret: KeyObject,
  fields: TokenFields & { expireTime: number },
): string {
  const claims: Record<string, unknown> = {
    iss: apiKey,
    ist: 'project',
    iat: fields.createTime,
    exp: fields.expireTime,
    session_id: fields.sessionId,
    create_time: fields.createTime,
    expire_time: fields.expireTime,
    nonce: fields.nonce,
    role: fields.role,
    initial_layout_class_list: fields.initialLayoutClassList ?? '',
    scope: 'session.connect',
  };
  if (fields.connectionData !== undefined) claims.connection_data = fields.connectionData;
  return signHs256(claims, secret);
}

/**
 * A client token for a Vonage application: RS256 JWT with the claims of @vonage/video plus the
 * `jti`, `iat` and `application_id` that @vonage/jwt adds (docs/platform.md §4.4).
 */
export function createVonageJwt(
  applicationId: string,
  privateKey: KeyObject,
  fields: TokenFields & { expireTime: number },
  jti: string,
): string {
  const claims: Record<string, unknown> = {
    scope: 'session.connect',
    session_id: fields.sessionId,
    role: fields.role,
    initial_layout_class_list: fields.initialLayoutClassList ?? '',
    exp: fields.expireTime,
    sub: 'video',
    acl: { paths: { '/session/**': {} } },
  };
  if (fields.connectionData !== undefined) claims.connection_data = fields.connectionData;
  claims.jti = jti;
  claims.iat = fields.createTime;
  claims.application_id = applicationId;
  return signRs256(claims, privateKey);
}

/** Lifetime of a REST auth JWT, as in opentok-node and Ruby 4.x. */
export const REST_AUTH_TTL_SECONDS = 300;

/** The `X-OPENTOK-AUTH` JWT of an OpenTok project: claims iss, ist, iat, exp, jti (docs/platform.md §1.2). */
export function createProjectAuthJwt(apiKey: string, secret: KeyObject, iat: number, jti: string): string {
  return signHs256({ iss: apiKey, ist: 'project', iat, exp: iat + REST_AUTH_TTL_SECONDS, jti }, secret);
}

/** The `Authorization: Bearer` JWT of a Vonage application, claims as opentok-node sends (docs/platform.md §1.3). */
export function createApplicationAuthJwt(
  applicationId: string,
  privateKey: KeyObject,
  iat: number,
  jti: string,
): string {
  return signRs256(
    {
      iss: applicationId,
      ist: 'project',
      iat,
      exp: iat + REST_AUTH_TTL_SECONDS,
      application_id: applicationId,
      jti,
    },
    privateKey,
  );
}
