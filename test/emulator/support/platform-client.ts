/** What an SDK does on the wire, written independently of src/emulator: REST JWTs, client tokens, REST calls. */
import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface Project {
  url: string;
  apiKey: string;
  apiSecret: string;
}

const nowS = (): number => Math.floor(Date.now() / 1000);

export async function restJwt(
  project: Project,
  options: { expiresInS?: number; istIn?: 'payload' | 'header'; secret?: string; iss?: string } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { iss: options.iss ?? project.apiKey, jti: randomUUID() };
  const header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' };
  if (options.istIn === 'header') header.ist = 'project';
  else claims.ist = 'project';
  return new SignJWT(claims)
    .setProtectedHeader(header as { alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(nowS() + (options.expiresInS ?? 300))
    .sign(new TextEncoder().encode(options.secret ?? project.apiSecret));
}

export async function rest(
  project: Project,
  method: string,
  pathname: string,
  options: { body?: unknown; form?: Record<string, string>; accept?: string; jwt?: string | null } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  const jwt = options.jwt === undefined ? await restJwt(project) : options.jwt;
  if (jwt !== null) headers['x-opentok-auth'] = jwt;
  let body: string | undefined;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${project.url}${pathname}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // XML or other non-JSON bodies stay text
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

export async function createSession(
  project: Project,
  form: Record<string, string> = { 'p2p.preference': 'disabled' },
) {
  const response = await rest(project, 'POST', '/session/create', { form });
  if (response.status !== 200)
    throw new Error(`session create answered ${response.status}: ${response.text}`);
  return (response.body as Array<{ session_id: string }>)[0]!.session_id;
}

export const archivePath = (project: Project, suffix = ''): string =>
  `/v2/project/${project.apiKey}/archive${suffix}`;

export type TokenRole = 'subscriber' | 'publisher' | 'publisheronly' | 'moderator';

/** An HS256 client token with the claim set of opentok-node (docs/platform.md §4.3). */
export async function jwtClientToken(
  project: Project,
  sessionId: string,
  options: { role?: TokenRole; data?: string; expiresInS?: number; secret?: string; iss?: string } = {},
): Promise<string> {
  const iat = nowS();
  const exp = iat + (options.expiresInS ?? 3600);
  const claims: Record<string, unknown> = {
    iss: options.iss ?? project.apiKey,
    ist: 'project',
    session_id: sessionId,
    create_time: iat,
    expire_time: exp,
    nonce: Math.random(),
    role: options.role ?? 'publisher',
    initial_layout_class_list: '',
    scope: 'session.connect',
  };
  if (options.data !== undefined) claims.connection_data = options.data;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(options.secret ?? project.apiSecret));
}

/** A legacy T1 token in Ruby 2.2.0's field order and encoding (docs/platform.md §4.1), standard or URL-safe base64. */
export function t1ClientToken(
  project: Project,
  sessionId: string,
  options: { role?: TokenRole; data?: string; expireTime?: number; secret?: string; urlSafe?: boolean } = {},
): string {
  const params = new URLSearchParams();
  params.set('role', options.role ?? 'publisher');
  params.set('session_id', sessionId);
  params.set('create_time', String(nowS()));
  params.set('nonce', String(Math.random()));
  if (options.expireTime !== undefined) params.set('expire_time', String(options.expireTime));
  if (options.data !== undefined) params.set('connection_data', options.data);
  const dataString = params.toString();
  const sig = createHmac('sha1', options.secret ?? project.apiSecret)
    .update(dataString)
    .digest('hex');
  let encoded = Buffer.from(`partner_id=${project.apiKey}&sig=${sig}:${dataString}`).toString('base64');
  if (options.urlSafe) encoded = encoded.replace(/\+/g, '-').replace(/\//g, '_');
  return `T1==${encoded}`;
}
