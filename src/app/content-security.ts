/** helmet with a Content-Security-Policy that allows exactly what the pages and the platform client use. */
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { AppMode } from './config';

/**
 * The platform's browser client (OpenTok.js) talks to hosts that depend on the project and the region:
 * the API and logging hosts under opentok.com / tokbox.com / vonage.com, and media routers and TURN relays
 * reached by https: and wss: on names the client learns at connect time. A narrower list would break
 * real calls, so in the platform modes https: and wss: stay open for connect-src. In local mode every
 * request goes to this server (the emulator is mounted at /emulator), so 'self' plus its WebSocket suffices.
 */
const PLATFORM_HOSTS = [
  'https://*.opentok.com',
  'https://*.tokbox.com',
  'https://*.vonage.com',
  'wss://*.opentok.com',
  'wss://*.tokbox.com',
  'wss://*.vonage.com',
];

export function createContentSecurity(mode: AppMode): RequestHandler {
  const platform = mode !== 'local';
  // CSP level 2 browsers do not treat ws: as 'self', so the page's own origin is spelled out.
  const ownWebSocket = (req: IncomingMessage): string => {
    const host = req.headers.host ?? '';
    return /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `ws://${host} wss://${host}` : "'self'";
  };
  return helmet({
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
        connectSrc: platform
          ? ["'self'", ...PLATFORM_HOSTS, 'https:', 'wss:']
          : ["'self'", (req) => ownWebSocket(req)],
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
}
