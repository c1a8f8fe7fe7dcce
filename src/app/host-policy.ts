/** Which host names the app answers for, and which origins may change state: the guard against DNS rebinding. */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export interface HostPolicy {
  /** True for a host name (as URL.hostname spells it, IPv6 in brackets) that the app serves. */
  isAllowedHostname: (hostname: string) => boolean;
  /** True for no Origin (not a browser) and for an http(s) origin whose host name the app serves. */
  isAllowedOrigin: (origin: string | undefined) => boolean;
}

/** A name, an IPv4 address or a bracketed IPv6 address, with an optional port: nothing else is a Host header. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]', '']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A page on another site can point its own host name at this machine (DNS rebinding) and then read the app as
 * if it were that site; the Host header still carries the other site's name. So the app answers only the
 * loopback names, the address it is bound to, and the names a proxy serves it under (ALLOWED_HOSTS).
 */
export function createHostPolicy(config: { host: string; allowedHosts: readonly string[] }): HostPolicy {
  const named = new Set<string>();
  for (const host of [config.host, ...config.allowedHosts]) {
    if (WILDCARD_BINDS.has(host)) continue;
    const hostname = normalizeHostname(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    if (hostname) named.add(hostname);
  }
  const isAllowedHostname = (hostname: string): boolean =>
    isLoopbackHostname(hostname) || named.has(hostname);
  return {
    isAllowedHostname,
    isAllowedOrigin: (origin) => {
      if (origin === undefined) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        // "null" (a sandboxed frame, a redirect from another site) and garbage alike.
        return false;
      }
      return (url.protocol === 'http:' || url.protocol === 'https:') && isAllowedHostname(url.hostname);
    },
  };
}

/** localhost, 127.0.0.0/8 and ::1: a browser reaches these only from this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The host name of a Host header in URL.hostname's spelling, or undefined for anything malformed. */
export function readHostname(hostHeader: string | undefined): string | undefined {
  if (!hostHeader || !HOST_HEADER.test(hostHeader)) return undefined;
  return normalizeHostname(hostHeader);
}

function normalizeHostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Answers 421 before any route (the emulator's included) when the request names a host the app does not serve.
 * Behind a trusted proxy, the forwarded host must be one too.
 */
export function createHostCheck(policy: HostPolicy, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const direct = readHostname(req.headers.host);
    const forwarded = readHostname(req.host);
    if (direct && forwarded && policy.isAllowedHostname(direct) && policy.isAllowedHostname(forwarded)) {
      next();
      return;
    }
    logger.warn({ method: req.method, host: req.headers.host }, 'request for a host this app does not serve');
    res
      .status(421)
      .type('text/plain')
      .send(
        'This app does not answer to the address you used. Open it at the address it was started on; to serve it under this name too, whoever runs it adds the name to ALLOWED_HOSTS.\n',
      );
  };
}

/**
 * A state-changing request that a browser sends from another site is refused whatever it carries: its Origin
 * names that site, or, where Origin says nothing, Sec-Fetch-Site says it is not same-origin. Requests with
 * neither come from programs, not pages (the SDK's REST calls, authenticated by their JWT), and pass.
 */
export function createOriginCheck(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    if (!STATE_CHANGING.has(req.method)) {
      next();
      return;
    }
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    // A form post sent under a no-referrer policy (a browser setting or extension can impose one) carries
    // "Origin: null": there Sec-Fetch-Site decides.
    const allowed =
      origin !== undefined && origin !== 'null'
        ? policy.isAllowedOrigin(origin)
        : fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
    if (allowed) {
      next();
      return;
    }
    res
      .status(403)
      .type('text/plain')
      .send(
        'Nothing was done: this came from a page on another site. Make changes from the app’s own pages.\n',
      );
  };
}
