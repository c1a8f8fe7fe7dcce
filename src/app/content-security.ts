/** helmet with a Content-Security-Policy that allows exactly what the pages and the platform client use. */
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
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

/**
 * Where an available archive's download link points: the platform's cloud storage, an Amazon S3 host in every
 * recorded link (docs/platform.md §7). A project whose archives go to its own storage has no link to play.
 */
const ARCHIVE_STORAGE_HOSTS = ['https://*.amazonaws.com'];

/** helmet's middleware, configured for the app's mode. */
export function createContentSecurity(mode: AppMode): ReturnType<typeof helmet> {
  const platform = mode !== 'local';
  // CSP level 2 browsers do not treat ws: as 'self', so in local mode (every request goes to this server,
  // the emulator is mounted at /emulator) the page's own origin is spelled out. The host check in front of
  // every route (host-policy.ts) has already refused any Host the app does not serve, so only one of its own
  // names is echoed; a Host header that could carry another directive in gets none.
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
        // The history page plays a composed recording from its download link: in the platform modes a
        // pre-signed cloud storage URL (docs/platform.md §7), reached through the app's redirect.
        mediaSrc: platform
          ? ["'self'", 'blob:', 'mediastream:', ...ARCHIVE_STORAGE_HOSTS]
          : ["'self'", 'blob:', 'mediastream:'],
        fontSrc: platform ? ["'self'", 'https://*.opentok.com'] : ["'self'"],
        connectSrc: platform ? ["'self'", ...PLATFORM_CONNECT_HOSTS] : ["'self'", ownWebSocket],
        // OpenTok.js runs audio-level and background work in workers created from blobs.
        workerSrc: platform ? ["'self'", 'blob:'] : ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The Referer reaches the app's own routes only, where an error page reads it to link back to the page the
    // person came from (back-link.ts); a link or request to another origin carries none.
    referrerPolicy: { policy: 'same-origin' },
    // The app is served over plain http on 127.0.0.1 by default; HSTS there would only confuse browsers.
    strictTransportSecurity: false,
  });
}
