/** Where an error page sends the person back to: the app's page they came from, never another site. */

export interface BackLink {
  href: string;
  label: string;
}

export interface FailedRequest {
  /** The failed request's path (req.path). */
  path: string;
  /** Its parsed query (req.query), read only for the history page's page number. */
  query: Record<string, unknown>;
  /** The Referer header, if the browser sent one. */
  referer: string | undefined;
  /** The Host header the request was addressed to (already checked by host-policy.ts). */
  host: string | undefined;
}

/** The app's pages, by path, as a link names them. */
const PAGES: ReadonlyMap<string, string> = new Map([
  ['/hello-world', 'Hello World'],
  ['/host', 'the host view'],
  ['/participant', 'the participant view'],
  ['/history', 'the history'],
]);

/** The page each action route is used from, for when the browser sends no Referer (a link opened from elsewhere, a bookmark). */
const OWNER_PAGES: ReadonlyArray<[RegExp, string]> = [
  [/^\/start\/?$/, '/host'],
  [/^\/stop\//, '/host'],
  [/^\/download\//, '/history'],
  [/^\/delete\//, '/history'],
  [/^\/history\.json$/, '/history'],
];

/** A history page number worth keeping in a link; anything else falls back to the first page. */
const PAGE_NUMBER = /^[1-9]\d{0,5}$/;

/**
 * The page to offer besides the home page: the same-origin page named by the Referer, else the page the failed
 * route belongs to, else none. The link is built from the app's own table, so nothing of the Referer but a
 * known path (and a history page number) reaches the page.
 */
export function findBackLink(request: FailedRequest): BackLink | undefined {
  const fromReferer = readRefererPage(request.referer, request.host);
  const ownPage = PAGES.has(request.path)
    ? { path: request.path, page: readPageNumber(request.query.page) }
    : undefined;
  const owner = OWNER_PAGES.find(([pattern]) => pattern.test(request.path))?.[1];
  const target = fromReferer ?? ownPage ?? (owner ? { path: owner, page: undefined } : undefined);
  if (!target) return undefined;
  const name = PAGES.get(target.path) ?? target.path;
  const href = target.page ? `${target.path}?page=${target.page}` : target.path;
  const label = target.path === request.path ? `Try ${name} again` : `Back to ${name}`;
  return { href, label };
}

function readRefererPage(
  referer: string | undefined,
  host: string | undefined,
): { path: string; page: string | undefined } | undefined {
  if (!referer || !host) return undefined;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.host.toLowerCase() !== host.toLowerCase() || !PAGES.has(url.pathname)) return undefined;
  return { path: url.pathname, page: readPageNumber(url.searchParams.get('page')) };
}

function readPageNumber(value: unknown): string | undefined {
  return typeof value === 'string' && PAGE_NUMBER.test(value) ? value : undefined;
}
