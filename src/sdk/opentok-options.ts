/** Options of `new OpenTok`: the two kinds of credentials, their checks, the signing keys built from them. */
import { createPrivateKey, createSecretKey, type KeyObject } from 'node:crypto';
import { ArgumentError } from './errors';
import { DEFAULT_TIMEOUT_MS } from './http';
import { requireNonEmptyString } from './validation';

/**
 * Default REST URL for OpenTok projects.
 *
 * @example
 * ```ts
 * new OpenTok({ apiKey, apiSecret, apiUrl: OPENTOK_API_URL }); // same as leaving apiUrl out
 * ```
 */
export const OPENTOK_API_URL = 'https://api.opentok.com';
/**
 * Default REST URL for Vonage applications.
 *
 * @example
 * ```ts
 * new OpenTok({ applicationId, privateKey, apiUrl: VONAGE_API_URL });
 * ```
 */
export const VONAGE_API_URL = 'https://video.api.vonage.com';

/**
 * Options shared by both kinds of credentials.
 *
 * @example
 * ```ts
 * const options: CommonOptions = { apiUrl: 'http://127.0.0.1:3000/emulator', timeoutMs: 5000 };
 * ```
 */
export interface CommonOptions {
  /** Platform REST URL; defaults to the platform of the credentials. May include a base path. */
  apiUrl?: string;
  /** Per-request timeout in milliseconds (default 20 000). */
  timeoutMs?: number;
  /** Test seam: the current time in epoch milliseconds (default `Date.now`). */
  clock?: () => number;
  /** Test seam: the token nonce source (default `Math.random`). */
  nonce?: () => number;
}

/**
 * Credentials of an OpenTok project (https://tokbox.com/account).
 *
 * @example
 * ```ts
 * const credentials: ProjectCredentials = { apiKey: '123456', apiSecret: process.env.API_SECRET! };
 * ```
 */
export interface ProjectCredentials extends CommonOptions {
  /** API key (digits); a number is accepted and kept as a string. */
  apiKey: string | number;
  /** API secret. Used only to sign; never sent, logged or put in error messages. */
  apiSecret: string;
  /** Not with a project's credentials. */
  applicationId?: never;
  /** Not with a project's credentials. */
  privateKey?: never;
}

/**
 * Credentials of a Vonage application.
 *
 * @example
 * ```ts
 * const credentials: ApplicationCredentials = {
 *   applicationId: process.env.VONAGE_APPLICATION_ID!,
 *   privateKey: fs.readFileSync('private.key'),
 * };
 * ```
 */
export interface ApplicationCredentials extends CommonOptions {
  /** Application ID (a UUID). */
  applicationId: string;
  /** The application's PEM private key. Used only to sign; never sent or logged. */
  privateKey: string | Buffer;
  /** Not with an application's credentials. */
  apiKey?: never;
  /** Not with an application's credentials. */
  apiSecret?: never;
}

/**
 * Constructor options of {@link OpenTok}: one of the two credential kinds.
 *
 * @example
 * ```ts
 * const options: OpenTokOptions = useVonage ? { applicationId, privateKey } : { apiKey, apiSecret };
 * ```
 */
export type OpenTokOptions = ProjectCredentials | ApplicationCredentials;

const MAX_TIMEOUT_MS = 2_147_483_647;

/** The key that signs REST auth JWTs and client tokens, prepared once per OpenTok instance. */
export type Signer = { kind: 'project'; secret: KeyObject } | { kind: 'application'; privateKey: KeyObject };

/** The constructor's options, checked, with defaults applied. */
export interface CheckedOptions {
  /** The API key of a project or the application ID. */
  apiKey: string;
  /** The key built from the secret or the private key. */
  signer: Signer;
  /** REST URL without a trailing slash. */
  apiUrl: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** The current time in epoch milliseconds. */
  clock: () => number;
  /** Token nonce source. */
  nonce: () => number;
}

/** Checks the options, credentials first, and applies the defaults. */
export function readOpenTokOptions(options: OpenTokOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError({ message: 'OpenTok needs an options object with credentials' });
  }
  const { apiKey, signer } = readSigner(options);
  const apiUrl = normaliseApiUrl(
    options.apiUrl,
    signer.kind === 'project' ? OPENTOK_API_URL : VONAGE_API_URL,
  );
  const clock = readFunction('clock', options.clock, Date.now);
  const nonce = readFunction('nonce', options.nonce, Math.random);
  return { apiKey, signer, apiUrl, timeoutMs: readTimeout(options.timeoutMs), clock, nonce };
}

function normaliseApiUrl(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ArgumentError({ message: `apiUrl must be an http(s) URL such as '${fallback}'` });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Project API keys are digits; any printable ASCII is accepted so that local test keys work too. */
function readApiKey(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[\x21-\x7e]+$/.test(value.trim())) return value.trim();
  throw new ArgumentError({ message: "apiKey must be the project API key, digits such as '123456'" });
}

function readSigner(options: OpenTokOptions): { apiKey: string; signer: Signer } {
  const hasProject = options.apiKey !== undefined || options.apiSecret !== undefined;
  const hasApplication = options.applicationId !== undefined || options.privateKey !== undefined;
  if (hasProject === hasApplication) {
    throw new ArgumentError({
      message:
        'OpenTok needs either { apiKey, apiSecret } (an OpenTok project) or { applicationId, privateKey } ' +
        '(a Vonage application), not both and not neither',
    });
  }
  if (hasProject) {
    const apiKey = readApiKey(options.apiKey);
    if (typeof options.apiSecret !== 'string' || options.apiSecret === '') {
      throw new ArgumentError({ message: 'apiSecret must be the project API secret, a non-empty string' });
    }
    return {
      apiKey,
      signer: { kind: 'project', secret: createSecretKey(Buffer.from(options.apiSecret, 'utf8')) },
    };
  }
  const applicationId = requireNonEmptyString('applicationId', options.applicationId);
  const pem = options.privateKey;
  if (typeof pem !== 'string' && !Buffer.isBuffer(pem)) {
    throw new ArgumentError({ message: 'privateKey must be the application private key in PEM format' });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new ArgumentError({
      message: 'privateKey could not be read: it must be the application private key in PEM format',
      cause: error,
    });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new ArgumentError({ message: 'privateKey must be an RSA private key (RS256 signs Vonage tokens)' });
  }
  return { apiKey: applicationId, signer: { kind: 'application', privateKey } };
}

function readTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new ArgumentError({
      message: `timeoutMs must be an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    });
  }
  return value;
}

function readFunction<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new ArgumentError({ message: `${name} must be a function` });
  return value as T;
}
