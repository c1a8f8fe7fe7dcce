/** Builds the app the way server.ts does, for supertest: real config, real SDK, a chosen platform URL. */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import request from 'supertest';
import { createApp, type EmulatorMount } from '../../../src/app/app';
import { loadConfig, type AppConfig } from '../../../src/app/config';
import { OpenTok } from '../../../src/sdk';
import type { TestEmulator } from '../../helpers/emulator';

type Agent = ReturnType<typeof request.agent>;

export interface HarnessOptions {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Vonage mode: the app and the SDK use this application instead of apiKey/apiSecret. */
  vonage?: { applicationId: string; privateKey: string };
  hostPassword?: string;
  timeoutMs?: number;
  emulator?: EmulatorMount;
  /** Local mode: the app is configured without credentials, the SDK still uses the emulator's. */
  local?: boolean;
  /** More variables for loadConfig, e.g. ALLOWED_HOSTS or TRUST_PROXY. */
  env?: Record<string, string>;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  opentok: OpenTok;
  config: AppConfig;
  /** Every log line the app wrote, as text. */
  logs: string[];
}

/** A logger that records lines instead of printing them, so tests stay silent and can inspect the log. */
export function createRecordingLogger(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), logs };
}

export function createHarness(options: HarnessOptions): Harness {
  const { vonage } = options;
  const env: Record<string, string> = options.local
    ? { LOCAL_CREDENTIALS: vonage ? 'vonage' : 'opentok' }
    : vonage
      ? {
          VONAGE_APPLICATION_ID: vonage.applicationId,
          VONAGE_PRIVATE_KEY: vonage.privateKey,
          OPENTOK_API_URL: options.apiUrl,
        }
      : { API_KEY: options.apiKey, API_SECRET: options.apiSecret, OPENTOK_API_URL: options.apiUrl };
  if (options.hostPassword) env.HOST_PASSWORD = options.hostPassword;
  const config = loadConfig({ ...env, ...options.env });
  const common = { apiUrl: options.apiUrl, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const opentok = vonage
    ? new OpenTok({ applicationId: vonage.applicationId, privateKey: vonage.privateKey, ...common })
    : new OpenTok({ apiKey: options.apiKey, apiSecret: options.apiSecret, ...common });
  const { logger, logs } = createRecordingLogger();
  const app = createApp({ config, logger, opentok, emulator: options.emulator });
  return { app, opentok, config, logs };
}

/** A harness whose platform is `emulator`, with the emulator's credentials. */
export function createEmulatorHarness(
  emulator: TestEmulator,
  options: Omit<HarnessOptions, 'apiUrl' | 'apiKey' | 'apiSecret'> = {},
): Harness {
  return createHarness({
    apiUrl: emulator.url,
    apiKey: emulator.apiKey,
    apiSecret: emulator.apiSecret,
    ...options,
  });
}

/** A cookie-keeping client that has loaded a page, with that page's CSRF token. */
export async function browse(app: Harness['app'], page = '/'): Promise<{ agent: Agent; csrfToken: string }> {
  const agent = request.agent(app);
  const res = await agent.get(page).expect(200);
  return { agent, csrfToken: readCsrfToken(res.text) };
}

export function readCsrfToken(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]*)">/.exec(html);
  if (!match?.[1]) throw new Error('page has no csrf-token meta');
  return match[1];
}

export interface PageData {
  apiKey: string;
  sessionId: string;
  token: string;
  mode: string;
  [extra: string]: unknown;
}

/** Parses the page's JSON page-data block exactly as the browser module does. */
export function readPageData(html: string): PageData {
  const match = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('page has no page-data block');
  return JSON.parse(match[1]) as PageData;
}
