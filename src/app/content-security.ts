/** helmet with a Content-Security-Policy that allows exactly what the pages and the platform client use. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { AppMode } from './config';

/**
 * Where OpenTok.js connects in the platform modes. Its built-in endpoints are config.opentok.com,
 * anvil.opentok.com (session info) and hlg.tokbox.com (logging); the messaging WebSocket's host comes from
 * the session info at connect time, and the platform documents *.opentok.com and *.tokbox.com as all a
 * client must reach (https://support.tokbox.com/hc/en-us/articles/115000210424). vonage.com covers the
 * Vonage-branded API host, which this client version leaves unset. Media and TURN relays travel over
 * WebRTC, which connect-src does not govern. The model files for background effects (cloudfront.net,
 * jsdelivr.net) are left out because the pages use no media processors.
 */
const PLATFORM_CONNECT_HOSTS = [
  'https://*.opentok.com',
  'https://*.tokbox.com',
  'https://*.vonage.com',
  'wss://*.opentok.com',
  'wss://*.tokbox.com',
  'wss://*.vonage.com',
];

/** Distinct Host headers whose headers are kept; more than a few means someone is making them up. */
const MAX_RECORDED_HOSTS = 16;

interface RecordedHeaders {
  set: Array<[name: string, value: string]>;
  removed: string[];
}

export function createContentSecurity(mode: AppMode): RequestHandler {
  const platform = mode !== 'local';
  // CSP level 2 browsers do not treat ws: as 'self', so in local mode (every request goes to this server,
  // the emulator is mounted at /emulator) the page's own origin is spelled out.
  const ownWebSocket = (req: IncomingMessage): string => {
    const host = req.headers.host ?? '';
    return /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `ws://${host} wss://${host}` : "'self'";
  };
  const setHelmetHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Both platform clients size and place their video widgets with inline style attributes;
        // styles cannot run script, so this is the one inline allowance.
        styleSrc: platform
          ? ["'self'", "'unsafe-inline'", 'https://*.opentok.com']
          : ["'self'", "'unsafe-inline'"],
        imgSrc: platform
          ? ["'self'", 'data:', 'blob:', 'https://*.opentok.com', 'https://*.tokbox.com']
          : ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        fontSrc: platform ? ["'self'", 'https://*.opentok.com'] : ["'self'"],
        connectSrc: platform ? ["'self'", ...PLATFORM_CONNECT_HOSTS] : ["'self'", (req) => ownWebSocket(req)],
        // OpenTok.js runs audio-level and background work in workers created from blobs.
        workerSrc: platform ? ["'self'", 'blob:'] : ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The app is served over plain http on 127.0.0.1 by default; HSTS there would only confuse browsers.
    strictTransportSecurity: false,
  });

  // helmet's dozen middlewares set the same values on every response, varying only with the Host header
  // in local mode; they run once per host, and later responses get what they set without the dozen calls.
  const recorded = new Map<string, RecordedHeaders>();
  return (req, res, next) => {
    const host = req.headers.host ?? '';
    let headers = recorded.get(host);
    if (!headers) {
      const result = recordHeaders(setHelmetHeaders, req);
      if (result instanceof Error) {
        next(result);
        return;
      }
      headers = result;
      if (recorded.size < MAX_RECORDED_HOSTS) recorded.set(host, headers);
    }
    for (const [name, value] of headers.set) res.setHeader(name, value);
    for (const name of headers.removed) res.removeHeader(name);
    next();
  };
}

/** Runs a header-setting middleware against a stand-in response and returns what it set or removed. */
function recordHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
  req: IncomingMessage,
): RecordedHeaders | Error {
  const headers: RecordedHeaders = { set: [], removed: [] };
  const standIn = {
    setHeader(name: string, value: unknown) {
      headers.set.push([name, String(value)]);
      return this;
    },
    removeHeader(name: string) {
      headers.removed.push(name);
    },
  };
  let failure: Error | undefined;
  let finished = false;
  middleware(req, standIn as unknown as ServerResponse, (error) => {
    finished = true;
    if (error) failure = error instanceof Error ? error : new Error(String(error));
  });
  if (failure) return failure;
  // helmet calls next() synchronously; anything else means it changed in a way this replay cannot follow.
  if (!finished) return new Error('helmet did not finish setting its headers synchronously');
  return headers;
}
