/** Client tokens (T1 and JWT) and REST auth JWTs: pure functions over node:crypto, no I/O. */
import { createHmac, hash, sign, type KeyObject } from 'node:crypto';

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
  /** Expiry; a T1 token without one gets the platform default of 24 hours (reference §4.1). */
  expireTime?: number;
  /** Application data shown to other clients as `connection.data`. */
  connectionData?: string;
  /** Space-separated layout classes for composed archives. */
  initialLayoutClassList?: string;
}

/**
 * Field order and form encoding of a T1 data string; the signature covers its exact bytes, so the
 * official SDKs' tokens differ although the platform accepts them all (reference §4.1).
 * - `ruby`: Ruby SDK 2.2.0 order, Addressable form encoding, `initial_layout_class_list` last as in
 *   Ruby 4.x. The SDK's default.
 * - `opentok-node`: opentok-node's legacy path; always carries `initial_layout_class_list` and `scope`.
 * - `opentok-token`: the token-encoder package (only the fields given), the reference's example A.
 */
export type T1Layout = 'ruby' | 'opentok-node' | 'opentok-token';

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

const LINE_BREAK = /\r\n|\n|\r/g;
const SUB_DELIMS_KEPT_BY_ENCODE_URI = /[!'()*]/g;

/** Addressable's form encoding of each ASCII character: itself if unreserved, '+' for space, else %XX. */
const ADDRESSABLE_ASCII: readonly string[] = Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code);
  if (/[A-Za-z0-9\-._~]/.test(char)) return char;
  return code === 0x20 ? '+' : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** Addressable::URI.form_encode: RFC 3986 unreserved kept, line breaks as CRLF, %20 → '+'. */
function formEncodeAddressable(value: string): string {
  if (UNRESERVED.test(value)) return value;
  // Connection data is on the token hot path (bench/tokens.ts): plain ASCII goes through a table, about
  // twice as fast as encodeURIComponent plus fix-ups; line breaks and non-ASCII take the general path.
  let encoded = '';
  let copied = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80 || code === 0x0a || code === 0x0d) return formEncodeAddressableSlow(value);
    const replacement = ADDRESSABLE_ASCII[code] as string;
    if (replacement.length > 1 || code === 0x20) {
      encoded += value.slice(copied, i) + replacement;
      copied = i + 1;
    }
  }
  return encoded + value.slice(copied);
}

function formEncodeAddressableSlow(value: string): string {
  return encodeURIComponent(value.replace(LINE_BREAK, '\r\n'))
    .replace(SUB_DELIMS_KEPT_BY_ENCODE_URI, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

/** Node's querystring.escape keeps exactly the characters encodeURIComponent keeps. */
function formEncodeQuerystring(value: string): string {
  return UNRESERVED.test(value) ? value : encodeURIComponent(value);
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
  let data = `session_id=${formEncodeQuerystring(fields.sessionId)}&create_time=${fields.createTime}&nonce=${fields.nonce}&role=${fields.role}`;
  if (fields.expireTime !== undefined) data += `&expire_time=${fields.expireTime}`;
  if (fields.connectionData !== undefined) {
    data += `&connection_data=${formEncodeQuerystring(fields.connectionData)}`;
  }
  if (layout === 'opentok-node') {
    data += `&initial_layout_class_list=${formEncodeQuerystring(fields.initialLayoutClassList ?? '')}&scope=session.connect`;
  } else if (fields.initialLayoutClassList !== undefined) {
    data += `&initial_layout_class_list=${formEncodeQuerystring(fields.initialLayoutClassList)}`;
  }
  return data;
}

/** Signs a T1 data string: returns the lowercase hex HMAC-SHA1 of it under the API secret. */
export type T1Signer = (data: string) => string;

const SHA1_BLOCK_BYTES = 64;

/**
 * Builds the T1 signer for an API secret once per OpenTok instance.
 *
 * HMAC (RFC 2104) is H((K ^ opad) || H((K ^ ipad) || m)). With the padded key blocks computed here,
 * each token costs two one-shot `crypto.hash` calls instead of a `createHmac` object, which is most of
 * a T1 token's cost (bench/tokens.ts). Secrets that are not ASCII, or longer than a block, take
 * `createHmac`; the tests check both paths against `createHmac`.
 */
export function createT1Signer(secret: KeyObject): T1Signer {
  const key = secret.export();
  if (key.length > SHA1_BLOCK_BYTES || key.some((byte) => byte > 0x7f)) {
    return (data) => createHmac('sha1', secret).update(data).digest('hex');
  }
  const block = Buffer.alloc(SHA1_BLOCK_BYTES);
  key.copy(block);
  // ASCII key bytes XOR 0x36 stay ASCII, so the inner block can be prefixed to the (ASCII) data as a string.
  const innerPrefix = Buffer.from(block.map((byte) => byte ^ 0x36)).toString('latin1');
  const outer = Buffer.alloc(SHA1_BLOCK_BYTES + 20);
  Buffer.from(block.map((byte) => byte ^ 0x5c)).copy(outer);
  return (data) => {
    // T1 data strings are form-encoded, hence ASCII: UTF-8 and Latin-1 bytes coincide.
    // A hex digest written back as bytes is cheaper than asking `hash` for a Buffer.
    outer.write(hash('sha1', innerPrefix + data, 'hex'), SHA1_BLOCK_BYTES, 'hex');
    return hash('sha1', outer, 'hex');
  };
}

/**
 * A legacy T1 token: `"T1==" + base64("partner_id=<key>&sig=<hex HMAC-SHA1(data)>:" + data)`
 * (reference §4.1). `T1==` is a literal sentinel, not base64 padding.
 */
export function createT1Token(
  apiKey: string,
  signer: T1Signer,
  fields: TokenFields,
  layout: T1Layout = 'ruby',
): string {
  const data = encodeT1Data(fields, layout);
  // btoa takes Latin-1 strings and is about twice as fast as a Buffer round trip; the input is ASCII
  // (form-encoded data, hex signature, and the API key, checked to be ASCII by the caller).
  return `T1==${btoa(`partner_id=${apiKey}&sig=${signer(data)}:${data}`)}`;
}

const HS256_HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
// @vonage/jwt writes typ before alg; kept so tokens match the official SDK's byte for byte.
const RS256_HEADER = Buffer.from('{"typ":"JWT","alg":"RS256"}').toString('base64url');

/**
 * Signs a JWT with HS256; the key is the API secret as a KeyObject built once per OpenTok instance.
 * A few lines over node:crypto rather than a library: on Node 20 they run at about 0.9 of a bare
 * hand-built HS256, jsonwebtoken 9 at about 0.5 with a KeyObject and 0.01 with the secret string.
 */
export function signHs256(payload: object, secret: KeyObject): string {
  const input = `${HS256_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Signs a JWT with RS256; the key is the application's private key as a KeyObject. */
export function signRs256(payload: object, privateKey: KeyObject): string {
  const input = `${RS256_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * A client token for an OpenTok project: HS256 JWT with opentok-node's claim set (reference §4.3), the
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
 * `jti`, `iat` and `application_id` that @vonage/jwt adds (reference §4.4).
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

/** The `X-OPENTOK-AUTH` JWT of an OpenTok project: claims iss, ist, iat, exp, jti (reference §1.2). */
export function createProjectAuthJwt(apiKey: string, secret: KeyObject, iat: number, jti: string): string {
  return signHs256({ iss: apiKey, ist: 'project', iat, exp: iat + REST_AUTH_TTL_SECONDS, jti }, secret);
}

/** The `Authorization: Bearer` JWT of a Vonage application, claims as opentok-node sends (reference §1.3). */
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
