/** Session creation: options checked into the platform's form fields; the session ID read from the reply. */
import { ArgumentError } from './errors';
import { parseJsonReply, unexpectedShape, type HttpReply } from './http';
import type { ArchiveMode, MediaMode, SessionInit } from './session';
import { requireOneOf, requireOptionalBoolean, requireOptionalIPv4, requireOptions } from './validation';

/**
 * Options of {@link OpenTok.createSession}.
 *
 * @example
 * ```ts
 * const options: SessionOptions = { mediaMode: 'routed', archiveMode: 'manual', location: '12.34.56.78' };
 * ```
 */
export interface SessionOptions {
  /** Default `routed`, which archiving needs. */
  mediaMode?: MediaMode;
  /** Default `manual`; `always` needs a routed session. */
  archiveMode?: ArchiveMode;
  /** IPv4 address hint for choosing the media server's location. */
  location?: string;
  /** End-to-end encryption; needs a routed session with manual archiving. */
  e2ee?: boolean;
}

const MEDIA_MODES: readonly MediaMode[] = ['routed', 'relayed'];
const ARCHIVE_MODES: readonly ArchiveMode[] = ['manual', 'always'];
const SESSION_ID_XML = /<session_id>([^<]+)<\/session_id>/;

/** One element of the JSON array that session create answers (docs/platform.md §2.3); only session_id is read. */
interface SessionCreateWire {
  session_id: unknown;
  project_id?: unknown;
  partner_id?: unknown;
  create_dt?: unknown;
  media_server_url?: unknown;
}

/** A session create request: the form to post and the settings the new Session reports. */
export interface SessionRequest {
  /** Form fields in the order they are sent. */
  form: Array<readonly [string, string]>;
  /** Everything a Session holds except the ID the platform returns. */
  init: Omit<SessionInit, 'sessionId'>;
}

/** Checks the options (no request is sent here) and builds the form the platform expects. */
export function buildSessionRequest(sessionOptions: SessionOptions | undefined): SessionRequest {
  const options = requireOptions('options', sessionOptions);
  const mediaMode = requireOneOf('mediaMode', options.mediaMode, MEDIA_MODES, 'routed');
  const archiveMode = requireOneOf('archiveMode', options.archiveMode, ARCHIVE_MODES, 'manual');
  const location = requireOptionalIPv4('location', options.location);
  const e2ee = requireOptionalBoolean('e2ee', options.e2ee) ?? false;
  if (archiveMode === 'always' && mediaMode !== 'routed') {
    throw new ArgumentError({
      message: "archiveMode 'always' needs mediaMode 'routed' (got mediaMode 'relayed')",
    });
  }
  if (e2ee && mediaMode !== 'routed') {
    throw new ArgumentError({ message: "e2ee needs mediaMode 'routed' (got mediaMode 'relayed')" });
  }
  if (e2ee && archiveMode === 'always') {
    throw new ArgumentError({ message: "e2ee cannot be combined with archiveMode 'always'; use 'manual'" });
  }

  const form: Array<readonly [string, string]> = [['archiveMode', archiveMode]];
  if (e2ee) form.push(['e2ee', 'true']);
  if (location !== undefined) form.push(['location', location]);
  // The platform's default when p2p.preference is omitted is undocumented (docs/platform.md §2.1), so it is
  // always sent, as every official SDK does.
  form.push(['p2p.preference', mediaMode === 'routed' ? 'disabled' : 'enabled']);
  return {
    form,
    init: { mediaMode, archiveMode, e2ee, ...(location === undefined ? {} : { location }) },
  };
}

/** Reads `[0].session_id` of the JSON reply, or `<session_id>` of the XML reply older platforms send. */
export function readSessionId(reply: HttpReply): string {
  if (
    /xml/i.test(reply.contentType) ||
    (reply.contentType === '' && reply.text.trimStart().startsWith('<'))
  ) {
    const match = SESSION_ID_XML.exec(reply.text);
    if (match?.[1] === undefined) throw unexpectedShape(reply, 'XML reply without <session_id>');
    return match[1];
  }
  const json = parseJsonReply(reply);
  const first: unknown = Array.isArray(json) ? json[0] : undefined;
  const sessionId =
    typeof first === 'object' && first !== null
      ? (first as Partial<SessionCreateWire>).session_id
      : undefined;
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw unexpectedShape(reply, 'expected [{ "session_id": … }]');
  }
  return sessionId;
}
