/**
 * The configuration: the only reader of the environment, for the app and the standalone emulator alike. It is
 * longer than our other modules because it is one schema: every setting, the rules between settings and the
 * one-line messages that say what to set sit together, so that a reader sees the whole contract in one place.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

export type AppMode = 'local' | 'opentok' | 'vonage';

/** LOCAL_CREDENTIALS: which credentials the app's SDK uses against the in-process emulator. */
export const LOCAL_CREDENTIALS = ['vonage', 'opentok'] as const;
export type LocalCredentials = (typeof LOCAL_CREDENTIALS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Credentials of a real platform project; absent in local mode. */
export type PlatformCredentials =
  | { kind: 'opentok'; apiKey: string; apiSecret: string }
  | { kind: 'vonage'; applicationId: string; privateKey: string };

export interface AppConfig {
  readonly mode: AppMode;
  /** Set in the opentok and vonage modes. */
  readonly credentials?: Readonly<PlatformCredentials>;
  /** Set in local mode only: the emulator's application (vonage, the default) or its project key (opentok). */
  readonly localCredentials?: LocalCredentials;
  /** OPENTOK_API_URL; undefined means the SDK's default host for the credentials' flavour. */
  readonly apiUrl?: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** When set, the host page and the start, stop and delete routes ask for it (HTTP Basic). */
  readonly hostPassword?: string;
  /** Local mode only: what the in-process emulator uses. */
  readonly emulator: Readonly<EmulatorSettings>;
  /** ICE_SERVERS, local mode only: the STUN/TURN servers the emulator hands every browser; [] on one machine */
  readonly iceServers: readonly IceServerSetting[];
  /** REDIS_URL: the state store shared by several instances; unset keeps the state in this process. */
  readonly redisUrl?: string;
  /** SESSION_SECRET: the CSRF key's source, the same on every instance and across restarts. */
  readonly sessionSecret?: string;
  /** ALLOWED_HOSTS: host names a proxy serves the app under, answered besides loopback and HOST */
  readonly allowedHosts: readonly string[];
  /** TRUST_PROXY, Express's `trust proxy`: false unless set */
  readonly trustProxy: TrustProxySetting;
}

/** What Express's `trust proxy` takes: on or off, a number of hops, or the proxies' addresses and subnets. */
export type TrustProxySetting = boolean | number | string;

/** EMULATOR_API_KEY and EMULATOR_API_SECRET, EMULATOR_APPLICATION_ID and EMULATOR_PRIVATE_KEY_PATH (each pair both or neither), DATA_DIR. */
export interface EmulatorSettings {
  apiKey?: string;
  apiSecret?: string;
  /** the Vonage application served; generated in DATA_DIR when unset */
  applicationId?: string;
  privateKeyPath?: string;
  dataDir: string;
}

/** The standalone emulator's configuration (`tsx src/emulator/server.ts`). */
export interface EmulatorConfig extends Readonly<EmulatorSettings> {
  /** EMULATOR_PORT, default 3001. */
  readonly port: number;
  readonly logLevel: LogLevel;
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
  z.string({ error: 'every variable must be text' }).trim().optional(),
);

function digits(message: string) {
  return optionalText.pipe(z.string().regex(/^\d+$/, { error: message }).optional());
}

function port(name: string, fallback: number) {
  return optionalText
    .refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) <= 65535), {
      error: (issue) => `${name} must be a number from 0 to 65535 (got "${String(issue.input)}")`,
    })
    .transform((value) => (value === undefined ? fallback : Number(value)));
}

const logLevel = optionalText
  .refine((value) => value === undefined || LOG_LEVELS.some((level) => level === value.toLowerCase()), {
    error: (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${String(issue.input)}")`,
  })
  .transform((value) => LOG_LEVELS.find((level) => level === value?.toLowerCase()) ?? 'info');

const dataDir = optionalText.transform((value) => path.resolve(value ?? './data'));

// A project key is decimal digits; the PHP SDK tells it from an application ID by ^\d+$ (docs/platform.md §1.1).
const emulatorApiKey = digits(
  'EMULATOR_API_KEY must be digits only (e.g. 100000001): some official SDKs accept a project key only if it matches ^\\d+$',
);

// Browsers' RTCPeerConnection throws on any other scheme, and on a TURN server without username and credential:
// one bad entry would stop every call, so it is refused at start instead.
const ICE_URL = /^(stuns?|turns?):\S+$/i;
const ICE_URLS_HINT = 'urls must be a stun:, stuns:, turn: or turns: URL, or a non-empty array of them';
const ICE_SERVERS_HINT =
  'ICE_SERVERS must be a JSON array of ICE servers such as [{"urls":"stun:192.168.1.10:3478"}]';
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

const ALLOWED_HOSTS_HINT =
  'ALLOWED_HOSTS must be host names separated by commas, without scheme or port (e.g. video.example.com)';
const HOST_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
const allowedHosts = optionalText.transform((value, ctx): readonly string[] => {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.find((name) => !HOST_NAME.test(name));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `${ALLOWED_HOSTS_HINT} (got "${bad}")` });
    return z.NEVER;
  }
  return Object.freeze(names.map((name) => name.toLowerCase()));
});

const TRUST_PROXY_HINT =
  "TRUST_PROXY must be true, false, a number of proxies, or the proxies' addresses or subnets separated by commas (e.g. loopback or 10.0.0.0/8)";
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string): boolean => {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  const maxPrefix = version === 4 ? 32 : 128;
  return (
    rest.length === 0 &&
    version !== 0 &&
    (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix))
  );
};
const trustProxy = optionalText.transform((value, ctx): TrustProxySetting => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (!entries.every(isProxyAddress)) {
    ctx.addIssue({ code: 'custom', message: `${TRUST_PROXY_HINT} (got "${value}")` });
    return z.NEVER;
  }
  return entries.join(',');
});

/** ICE_SERVERS as JSON; the message names the expected shape and where the first problem is. */
const iceServers = optionalText.transform((value, ctx): readonly IceServerSetting[] => {
  if (value === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // No cause: JSON.parse quotes the input in its message, and a TURN credential must not reach a log.
    ctx.addIssue({ code: 'custom', message: `${ICE_SERVERS_HINT}; it is not valid JSON` });
    return z.NEVER;
  }
  const parsed = z.array(iceServerSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length
      ? ` (at ICE_SERVERS${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')})`
      : '';
    ctx.addIssue({
      code: 'custom',
      message: `${ICE_SERVERS_HINT}; ${issue?.message ?? 'it is not one'}${where}`,
    });
    return z.NEVER;
  }
  return Object.freeze(parsed.data.map((server) => Object.freeze(server)));
});

const REAL_PROJECT_HINT =
  'set API_KEY + API_SECRET (an OpenTok project) or VONAGE_APPLICATION_ID + VONAGE_PRIVATE_KEY_PATH (a Vonage application)';
const EMULATOR_PAIR_HINT = 'set both, or neither for the local key 100000001 and a generated secret';
const EMULATOR_APPLICATION_HINT = 'set both, or neither for an application generated in DATA_DIR';

interface EmulatorPair {
  EMULATOR_API_KEY?: string;
  EMULATOR_API_SECRET?: string;
  EMULATOR_APPLICATION_ID?: string;
  EMULATOR_PRIVATE_KEY_PATH?: string;
}

// Both or neither: the emulator would otherwise pair the one given with a default the user never sees.
const hasEmulatorSecretIfKey = (vars: EmulatorPair) => !vars.EMULATOR_API_KEY || !!vars.EMULATOR_API_SECRET;
const hasEmulatorKeyIfSecret = (vars: EmulatorPair) => !vars.EMULATOR_API_SECRET || !!vars.EMULATOR_API_KEY;
const EMULATOR_SECRET_MISSING = `EMULATOR_API_KEY is set but EMULATOR_API_SECRET is not: ${EMULATOR_PAIR_HINT}`;
const EMULATOR_KEY_MISSING = `EMULATOR_API_SECRET is set but EMULATOR_API_KEY is not: ${EMULATOR_PAIR_HINT}`;
const hasEmulatorKeyPathIfApplication = (vars: EmulatorPair) =>
  !vars.EMULATOR_APPLICATION_ID || !!vars.EMULATOR_PRIVATE_KEY_PATH;
const hasEmulatorApplicationIfKeyPath = (vars: EmulatorPair) =>
  !vars.EMULATOR_PRIVATE_KEY_PATH || !!vars.EMULATOR_APPLICATION_ID;
const EMULATOR_KEY_PATH_MISSING = `EMULATOR_APPLICATION_ID is set but EMULATOR_PRIVATE_KEY_PATH is not: ${EMULATOR_APPLICATION_HINT}`;
const EMULATOR_APPLICATION_MISSING = `EMULATOR_PRIVATE_KEY_PATH is set but EMULATOR_APPLICATION_ID is not: ${EMULATOR_APPLICATION_HINT}`;

const isOpenTok = (vars: AppVars) => Boolean(vars.API_KEY || vars.API_SECRET);
const isVonage = (vars: AppVars) =>
  Boolean(vars.VONAGE_APPLICATION_ID || vars.VONAGE_PRIVATE_KEY_PATH || vars.VONAGE_PRIVATE_KEY);

/** The app's variables, each checked on its own; the rules between them follow, in the order users meet them. */
const appVarsSchema = z.object({
  API_KEY: digits('API_KEY must be the digits of your OpenTok project key (e.g. 123456)'),
  API_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^\S+$/, {
        error: 'API_SECRET must be your project secret without spaces: copy it again from your account',
      })
      .optional(),
  ),
  VONAGE_APPLICATION_ID: optionalText.pipe(
    z.guid({ error: 'VONAGE_APPLICATION_ID must be your application ID, a UUID' }).optional(),
  ),
  VONAGE_PRIVATE_KEY_PATH: optionalText,
  // dotenv keeps "\n" literally in unquoted or single-quoted values.
  VONAGE_PRIVATE_KEY: optionalText.transform((value) => value?.replace(/\\n/g, '\n')),
  OPENTOK_API_URL: optionalText
    .pipe(
      z
        .url({
          protocol: /^https?$/,
          error: 'OPENTOK_API_URL must be an http(s) URL such as https://api.opentok.com',
        })
        .optional(),
    )
    .transform((value) => value?.replace(/\/+$/, '')),
  HOST: optionalText.transform((value) => value ?? '127.0.0.1'),
  PORT: port('PORT', 3000),
  LOG_LEVEL: logLevel,
  HOST_PASSWORD: optionalText,
  ALLOWED_HOSTS: allowedHosts,
  TRUST_PROXY: trustProxy,
  ICE_SERVERS: iceServers,
  EMULATOR_API_KEY: emulatorApiKey,
  EMULATOR_API_SECRET: optionalText,
  EMULATOR_APPLICATION_ID: optionalText,
  EMULATOR_PRIVATE_KEY_PATH: optionalText,
  LOCAL_CREDENTIALS: optionalText.pipe(
    z
      .enum(LOCAL_CREDENTIALS, {
        error: (issue) =>
          `LOCAL_CREDENTIALS must be vonage (an application, the default) or opentok (a project key) (got "${String(issue.input)}")`,
      })
      .optional(),
  ),
  DATA_DIR: dataDir,
  REDIS_URL: optionalText.pipe(
    z
      .url({
        protocol: /^rediss?$/,
        error: 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
      })
      .optional(),
  ),
  SESSION_SECRET: optionalText.pipe(
    z
      .string()
      .min(32, {
        error: 'SESSION_SECRET must be at least 32 characters: generate one with `openssl rand -base64 48`',
      })
      .optional(),
  ),
});
type AppVars = z.output<typeof appVarsSchema>;

const appConfigSchema = appVarsSchema
  .refine((vars) => !(isOpenTok(vars) && isVonage(vars)), {
    error:
      'Both OpenTok (API_KEY/API_SECRET) and Vonage (VONAGE_*) credentials are set: keep only one pair in .env',
  })
  .refine((vars) => !vars.API_SECRET || !!vars.API_KEY, {
    error: 'API_SECRET is set but API_KEY is not: set both, or neither for local mode',
  })
  .refine((vars) => !vars.API_KEY || !!vars.API_SECRET, {
    error: 'API_KEY is set but API_SECRET is not: set both, or neither for local mode',
  })
  .refine((vars) => !isVonage(vars) || !!vars.VONAGE_APPLICATION_ID, {
    error:
      'A Vonage private key is set but VONAGE_APPLICATION_ID is not: set both, or neither for local mode',
  })
  .refine((vars) => !(vars.VONAGE_PRIVATE_KEY_PATH && vars.VONAGE_PRIVATE_KEY), {
    error: 'Set VONAGE_PRIVATE_KEY_PATH or VONAGE_PRIVATE_KEY, not both',
  })
  .refine(
    (vars) => !vars.VONAGE_APPLICATION_ID || !!(vars.VONAGE_PRIVATE_KEY_PATH || vars.VONAGE_PRIVATE_KEY),
    {
      error:
        'VONAGE_APPLICATION_ID is set but VONAGE_PRIVATE_KEY_PATH is not: set it to your private.key file',
    },
  )
  .refine((vars) => !vars.OPENTOK_API_URL || isOpenTok(vars) || isVonage(vars), {
    error: `OPENTOK_API_URL is set but no credentials are: ${REAL_PROJECT_HINT}, or unset OPENTOK_API_URL for local mode`,
  })
  .refine(hasEmulatorSecretIfKey, { error: EMULATOR_SECRET_MISSING })
  .refine(hasEmulatorKeyIfSecret, { error: EMULATOR_KEY_MISSING })
  .refine(hasEmulatorKeyPathIfApplication, { error: EMULATOR_KEY_PATH_MISSING })
  .refine(hasEmulatorApplicationIfKeyPath, { error: EMULATOR_APPLICATION_MISSING })
  // A real project has one flavour, its own: the setting would be silently ignored there.
  .refine((vars) => !vars.LOCAL_CREDENTIALS || !(isOpenTok(vars) || isVonage(vars)), {
    error:
      'LOCAL_CREDENTIALS is set but so are real credentials: it chooses the emulator credentials in local mode only, so unset it',
  })
  // The emulator keeps its sessions and archives inside the process, so other instances could not see them.
  .refine((vars) => !vars.REDIS_URL || isOpenTok(vars) || isVonage(vars), {
    error: `REDIS_URL is set in local mode, which runs as one instance (the emulator lives in the process): unset REDIS_URL, or ${REAL_PROJECT_HINT}`,
  })
  .transform((vars, ctx): AppConfig => {
    const credentials = readCredentials(vars, ctx);
    return Object.freeze({
      mode: credentials ? credentials.kind : 'local',
      credentials: credentials ? Object.freeze(credentials) : undefined,
      localCredentials: credentials ? undefined : (vars.LOCAL_CREDENTIALS ?? 'vonage'),
      apiUrl: vars.OPENTOK_API_URL,
      host: vars.HOST,
      port: vars.PORT,
      logLevel: vars.LOG_LEVEL,
      hostPassword: vars.HOST_PASSWORD,
      allowedHosts: vars.ALLOWED_HOSTS,
      trustProxy: vars.TRUST_PROXY,
      iceServers: vars.ICE_SERVERS,
      redisUrl: vars.REDIS_URL,
      sessionSecret: vars.SESSION_SECRET,
      emulator: Object.freeze(readEmulatorSettings(vars)),
    });
  });

/** The Vonage private key is read from its file only once the variables agree with each other. */
function readCredentials(vars: AppVars, ctx: z.RefinementCtx): PlatformCredentials | undefined {
  if (vars.API_KEY && vars.API_SECRET) {
    return { kind: 'opentok', apiKey: vars.API_KEY, apiSecret: vars.API_SECRET };
  }
  if (!vars.VONAGE_APPLICATION_ID) return undefined;
  let privateKey = vars.VONAGE_PRIVATE_KEY ?? '';
  if (vars.VONAGE_PRIVATE_KEY_PATH) {
    const keyPath = path.resolve(vars.VONAGE_PRIVATE_KEY_PATH);
    try {
      privateKey = readFileSync(keyPath, 'utf8');
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `VONAGE_PRIVATE_KEY_PATH points to ${keyPath}, which cannot be read: set it to your application's private.key file`,
      });
      return undefined;
    }
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'The Vonage private key is not a PEM private key: use the private.key file downloaded with the application',
    });
    return undefined;
  }
  return { kind: 'vonage', applicationId: vars.VONAGE_APPLICATION_ID, privateKey };
}

function readEmulatorSettings(vars: EmulatorPair & { DATA_DIR: string }): EmulatorSettings {
  const { EMULATOR_API_KEY: apiKey, EMULATOR_API_SECRET: apiSecret, DATA_DIR: dir } = vars;
  const { EMULATOR_APPLICATION_ID: applicationId, EMULATOR_PRIVATE_KEY_PATH: privateKeyPath } = vars;
  return {
    ...(apiKey && apiSecret ? { apiKey, apiSecret } : {}),
    ...(applicationId && privateKeyPath ? { applicationId, privateKeyPath } : {}),
    dataDir: dir,
  };
}

const emulatorConfigSchema = z
  .object({
    EMULATOR_PORT: port('EMULATOR_PORT', 3001),
    LOG_LEVEL: logLevel,
    EMULATOR_API_KEY: emulatorApiKey,
    EMULATOR_API_SECRET: optionalText,
    EMULATOR_APPLICATION_ID: optionalText,
    EMULATOR_PRIVATE_KEY_PATH: optionalText,
    DATA_DIR: dataDir,
  })
  .refine(hasEmulatorSecretIfKey, { error: EMULATOR_SECRET_MISSING })
  .refine(hasEmulatorKeyIfSecret, { error: EMULATOR_KEY_MISSING })
  .refine(hasEmulatorKeyPathIfApplication, { error: EMULATOR_KEY_PATH_MISSING })
  .refine(hasEmulatorApplicationIfKeyPath, { error: EMULATOR_APPLICATION_MISSING })
  .transform((vars): EmulatorConfig => {
    return Object.freeze({
      ...readEmulatorSettings(vars),
      port: vars.EMULATOR_PORT,
      logLevel: vars.LOG_LEVEL,
    });
  });

/** The first problem found, as the one line the user reads. */
function parseEnv<T>(schema: z.ZodType<T>, env: Readonly<Record<string, string | undefined>>): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError({ message: parsed.error.issues[0]?.message ?? 'Invalid environment' });
  }
  return parsed.data;
}

/**
 * Validates the environment and returns a frozen configuration. No credentials at all means local mode;
 * a half-set or malformed configuration throws a ConfigError whose one-line message names what to set.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  return parseEnv(appConfigSchema, env);
}

/** The same for the standalone emulator: EMULATOR_PORT, LOG_LEVEL, DATA_DIR and the EMULATOR_* pair. */
export function loadEmulatorConfig(env: Readonly<Record<string, string | undefined>>): EmulatorConfig {
  return parseEnv(emulatorConfigSchema, env);
}
