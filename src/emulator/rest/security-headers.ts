/** helmet for every emulator response: JSON and downloads only, so nothing may run, embed or sniff them. */
import helmet from 'helmet';

/**
 * The emulator answers before the app's own helmet (it is mounted first), so it sets its own headers. Nothing it
 * serves is a page: a CSP of 'none' and no framing; nosniff keeps a download (or an error body) from being read as
 * HTML or script.
 */
export function createSecurityHeaders(): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        sandbox: [],
      },
    },
    xFrameOptions: { action: 'deny' },
    // Served over plain http on 127.0.0.1 by default, as the app is; HSTS there would only confuse browsers.
    strictTransportSecurity: false,
  });
}
