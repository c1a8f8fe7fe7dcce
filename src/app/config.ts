/** The app's configuration: the only reader of the environment, validated once at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export type AppMode = 'local' | 'opentok' | 'vonage';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Credentials of a real platform project; absent in local mode. */
export type PlatformCredentials =
  | { kind: 'opentok'; apiKey: string; apiSecret: string }
  | { kind: 'vonage'; applicationId: string; privateKey: string };

export interface AppConfig {
  readonly mode: AppMode;
  /** Set in the opentok and vonage modes. */
  readonly credentials?: Readonly<PlatformCredentials>;
  /** OPENTOK_API_URL; undefined means the SDK's default host for the credentials' flavour. */
  readonly apiUrl?: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** When set, the host page and the start, stop and delete routes ask for it (HTTP Basic). */
  readonly hostPassword?: string;
  /** Local mode only: what the in-process emulator uses. */
  readonly emulator: Readonly<{ apiKey?: string; apiSecret?: string; dataDir: string }>;
  /** ICE_SERVERS, local mode only: the STUN/TURN servers the emulator hands every browser; [] on one machine */
  readonly iceServers: readonly IceServerSetting[];
}

/** A configuration that cannot start the app; the message is one line that says what to set. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(init: { message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
  }
}

// .env files leave empty assignments such as `API_KEY=`; they mean "not set".
const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().trim().optional(),
);

const envSchema = z.object({
  API_KEY: optionalText,
  API_SECRET: optionalText,
  VONAGE_APPLICATION_ID: optionalText,
  VONAGE_PRIVATE_KEY_PATH: optionalText,
  VONAGE_PRIVATE_KEY: optionalText,
  OPENTOK_API_URL: optionalText,
  HOST: optionalText,
  PORT: optionalText,
  LOG_LEVEL: optionalText,
  HOST_PASSWORD: optionalText,
  EMULATOR_API_KEY: optionalText,
  EMULATOR_API_SECRET: optionalText,
  DATA_DIR: optionalText,
  ICE_SERVERS: optionalText,
});
type Env = z.infer<typeof envSchema>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REAL_PROJECT_HINT =
  'set API_KEY + API_SECRET (an OpenTok project) or VONAGE_APPLICATION_ID + VONAGE_PRIVATE_KEY_PATH (a Vonage application)';

/**
 * Validates the environment and returns a frozen configuration. No credentials at all means local mode;
 * a half-set or malformed configuration throws a ConfigError whose one-line message names what to set.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError({
      message: `Invalid environment: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    });
  }
  const vars = parsed.data;
  const credentials = readCredentials(vars);
  if (!credentials && vars.OPENTOK_API_URL) {
    throw new ConfigError({
      message: `OPENTOK_API_URL is set but no credentials are: ${REAL_PROJECT_HINT}, or unset OPENTOK_API_URL for local mode`,
    });
  }
  const config: AppConfig = {
    mode: credentials ? credentials.kind : 'local',
    credentials: credentials ? Object.freeze(credentials) : undefined,
    apiUrl: vars.OPENTOK_API_URL ? readApiUrl(vars.OPENTOK_API_URL) : undefined,
    host: vars.HOST ?? '127.0.0.1',
    port: readPort(vars.PORT),
    logLevel: readLogLevel(vars.LOG_LEVEL),
    hostPassword: vars.HOST_PASSWORD,
    iceServers: readIceServers(vars.ICE_SERVERS),
    emulator: Object.freeze({
      ...readEmulatorCredentials(vars),
      dataDir: path.resolve(vars.DATA_DIR ?? './data'),
    }),
  };
  return Object.freeze(config);
}

function readCredentials(vars: Env): PlatformCredentials | undefined {
  const anyOpenTok = Boolean(vars.API_KEY || vars.API_SECRET);
  const anyVonage = Boolean(
    vars.VONAGE_APPLICATION_ID || vars.VONAGE_PRIVATE_KEY_PATH || vars.VONAGE_PRIVATE_KEY,
  );
  if (anyOpenTok && anyVonage) {
    throw new ConfigError({
      message:
        'Both OpenTok (API_KEY/API_SECRET) and Vonage (VONAGE_*) credentials are set: keep only one pair in .env',
    });
  }
  if (anyOpenTok) return readOpenTokCredentials(vars);
  if (anyVonage) return readVonageCredentials(vars);
  return undefined;
}

function readOpenTokCredentials(vars: Env): PlatformCredentials {
  if (!vars.API_KEY)
    throw new ConfigError({
      message: 'API_SECRET is set but API_KEY is not: set both, or neither for local mode',
    });
  if (!vars.API_SECRET)
    throw new ConfigError({
      message: 'API_KEY is set but API_SECRET is not: set both, or neither for local mode',
    });
  if (!/^\d+$/.test(vars.API_KEY)) {
    throw new ConfigError({
      message: 'API_KEY must be the digits of your OpenTok project key (e.g. 123456)',
    });
  }
  if (/\s/.test(vars.API_SECRET)) {
    throw new ConfigError({
      message: 'API_SECRET must be your project secret without spaces: copy it again from your account',
    });
  }
  return { kind: 'opentok', apiKey: vars.API_KEY, apiSecret: vars.API_SECRET };
}

function readVonageCredentials(vars: Env): PlatformCredentials {
  if (!vars.VONAGE_APPLICATION_ID) {
    throw new ConfigError({
      message:
        'A Vonage private key is set but VONAGE_APPLICATION_ID is not: set both, or neither for local mode',
    });
  }
  if (!UUID.test(vars.VONAGE_APPLICATION_ID)) {
    throw new ConfigError({ message: 'VONAGE_APPLICATION_ID must be your application ID, a UUID' });
  }
  if (vars.VONAGE_PRIVATE_KEY_PATH && vars.VONAGE_PRIVATE_KEY) {
    throw new ConfigError({ message: 'Set VONAGE_PRIVATE_KEY_PATH or VONAGE_PRIVATE_KEY, not both' });
  }
  let privateKey: string;
  if (vars.VONAGE_PRIVATE_KEY_PATH) {
    const keyPath = path.resolve(vars.VONAGE_PRIVATE_KEY_PATH);
    try {
      privateKey = readFileSync(keyPath, 'utf8');
    } catch (cause) {
      throw new ConfigError({
        message: `VONAGE_PRIVATE_KEY_PATH points to ${keyPath}, which cannot be read: set it to your application's private.key file`,
        cause,
      });
    }
  } else if (vars.VONAGE_PRIVATE_KEY) {
    // dotenv keeps "\n" literally in unquoted or single-quoted values.
    privateKey = vars.VONAGE_PRIVATE_KEY.replace(/\\n/g, '\n');
  } else {
    throw new ConfigError({
      message:
        'VONAGE_APPLICATION_ID is set but VONAGE_PRIVATE_KEY_PATH is not: set it to your private.key file',
    });
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    throw new ConfigError({
      message:
        'The Vonage private key is not a PEM private key: use the private.key file downloaded with the application',
    });
  }
  return { kind: 'vonage', applicationId: vars.VONAGE_APPLICATION_ID, privateKey };
}

const EMULATOR_PAIR_HINT = 'set both, or neither for the local key 100000001 and a generated secret';

/** Both or neither: the emulator would otherwise pair the one given with a default the user never sees. */
function readEmulatorCredentials(vars: Env): { apiKey?: string; apiSecret?: string } {
  const { EMULATOR_API_KEY: apiKey, EMULATOR_API_SECRET: apiSecret } = vars;
  if (!apiKey && !apiSecret) return {};
  if (!apiKey) {
    throw new ConfigError({
      message: `EMULATOR_API_SECRET is set but EMULATOR_API_KEY is not: ${EMULATOR_PAIR_HINT}`,
    });
  }
  if (!apiSecret) {
    throw new ConfigError({
      message: `EMULATOR_API_KEY is set but EMULATOR_API_SECRET is not: ${EMULATOR_PAIR_HINT}`,
    });
  }
  // A project key is decimal digits; the PHP SDK tells it from an application ID by ^\d+$ (reference §1.1).
  if (!/^\d+$/.test(apiKey)) {
    throw new ConfigError({
      message:
        'EMULATOR_API_KEY must be digits only (e.g. 100000001): some official SDKs accept a project key only if it matches ^\\d+$',
    });
  }
  return { apiKey, apiSecret };
}

function readApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError({
      message: 'OPENTOK_API_URL must be an http(s) URL such as https://api.opentok.com',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError({
      message: 'OPENTOK_API_URL must be an http(s) URL such as https://api.opentok.com',
    });
  }
  return value.replace(/\/+$/, '');
}

function readPort(value: string | undefined): number {
  if (value === undefined) return 3000;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError({ message: `PORT must be a number from 0 to 65535 (got "${value}")` });
  }
  return port;
}

function readLogLevel(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === value.toLowerCase());
  if (!level)
    throw new ConfigError({ message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")` });
  return level;
}

// Browsers' RTCPeerConnection throws on any other scheme, and on a TURN server without username and credential:
// one bad entry would stop every call, so it is refused at start instead.
const ICE_URL = /^(stuns?|turns?):\S+$/i;
const ICE_URLS_HINT = 'urls must be a stun:, stuns:, turn: or turns: URL, or a non-empty array of them';
const iceUrl = z.string().regex(ICE_URL, { error: ICE_URLS_HINT });
const iceServerSchema = z
  .strictObject({
    urls: z.union([iceUrl, z.array(iceUrl).min(1, { error: ICE_URLS_HINT })], { error: ICE_URLS_HINT }),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .refine(
    (server) =>
      [server.urls].flat().every((url) => !/^turns?:/i.test(url)) ||
      (server.username !== undefined && server.credential !== undefined),
    { error: 'a turn: or turns: server needs a username and a credential' },
  );

/** One entry of RTCConfiguration.iceServers. */
export type IceServerSetting = z.infer<typeof iceServerSchema>;

function readIceServers(value: string | undefined): readonly IceServerSetting[] {
  if (value === undefined) return [];
  const hint = 'ICE_SERVERS must be a JSON array of ICE servers such as [{"urls":"stun:192.168.1.10:3478"}]';
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // No cause: JSON.parse quotes the input in its message, and a TURN credential must not reach a log.
    throw new ConfigError({ message: `${hint}; it is not valid JSON` });
  }
  const parsed = z.array(iceServerSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length
      ? ` (at ICE_SERVERS${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')})`
      : '';
    throw new ConfigError({ message: `${hint}; ${issue?.message ?? 'it is not one'}${where}` });
  }
  return Object.freeze(parsed.data.map((server) => Object.freeze(server)));
}
