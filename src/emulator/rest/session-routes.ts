/** POST /session/create: the platform's session creation, answering JSON or XML by the Accept header (docs/platform.md §2). */
import { isIPv4 } from 'node:net';
import type { RequestHandler } from 'express';
import { authenticatedOwnerOf } from '../auth/rest-auth';
import { badRequest } from '../errors';
import { RESOLUTIONS } from '../archives/start-options';
import { createSessionId } from '../session-id';
import type { SessionRecord } from '../storage/records';
import type { StateStore } from '../storage/state-store';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `create_dt` as the platform writes it (Java's Date#toString, e.g. "Fri Nov 18 15:50:36 PST 2016"), in UTC. */
function formatCreateDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function readField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** Form fields in any order; `location=null` is what @vonage/video sends when there is no hint (docs/platform.md §2.1). */
function parseSessionForm(
  body: Record<string, unknown>,
): Omit<SessionRecord, 'sessionId' | 'apiKey' | 'createdAt'> {
  const p2p = readField(body, 'p2p.preference');
  // The server default for a missing p2p.preference is unknown; routed keeps archiving possible.
  if (p2p !== undefined && p2p !== 'enabled' && p2p !== 'disabled') {
    throw badRequest('Invalid request. p2p.preference must be enabled or disabled.');
  }
  const mediaMode = p2p === 'enabled' ? 'relayed' : 'routed';
  const rawLocation = readField(body, 'location') ?? '';
  const location = rawLocation === 'null' ? '' : rawLocation;
  if (location !== '' && !isIPv4(location))
    throw badRequest('Invalid request. location must be an IPv4 address.');
  const archiveMode = readField(body, 'archiveMode') ?? 'manual';
  if (archiveMode !== 'manual' && archiveMode !== 'always') {
    throw badRequest('Invalid request. archiveMode must be manual or always.');
  }
  if (archiveMode === 'always' && mediaMode === 'relayed') {
    throw badRequest('Invalid request. archiveMode always needs a routed session (p2p.preference=disabled).');
  }
  const archiveName = readField(body, 'archiveName') ?? null;
  if (archiveName !== null && archiveName.length > 80)
    throw badRequest('Invalid request. archiveName is longer than 80 characters.');
  const archiveResolution = readField(body, 'archiveResolution') ?? null;
  if (archiveResolution !== null && !(RESOLUTIONS as readonly string[]).includes(archiveResolution)) {
    throw badRequest(`Invalid request. archiveResolution must be one of ${RESOLUTIONS.join(', ')}.`);
  }
  const e2ee = readField(body, 'e2ee') === 'true';
  if (e2ee && (mediaMode === 'relayed' || archiveMode === 'always')) {
    throw badRequest('Invalid request. e2ee needs a routed session without archiveMode always.');
  }
  return { mediaMode, archiveMode, location, e2ee, archiveName, archiveResolution };
}

/** Sessions belong to whoever created them, the project or the application (docs/platform.md §1.1). */
export function createSessionHandler(deps: {
  store: Pick<StateStore, 'putSession' | 'save'>;
  clock: () => number;
}): RequestHandler {
  return async (req, res) => {
    const form = parseSessionForm((req.body ?? {}) as Record<string, unknown>);
    const owner = authenticatedOwnerOf(res);
    const now = deps.clock();
    const sessionId = createSessionId({ apiKey: owner, location: form.location, nowMs: now });
    deps.store.putSession({ sessionId, apiKey: owner, createdAt: now, ...form });
    await deps.store.save();
    const createDt = formatCreateDate(now);
    if (req.get('accept')?.includes('application/json')) {
      res.json([
        {
          session_id: sessionId,
          project_id: owner,
          partner_id: owner,
          create_dt: createDt,
          media_server_url: '',
        },
      ]);
      return;
    }
    res
      .type('text/xml')
      .send(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sessions><Session><session_id>${escapeXml(sessionId)}</session_id><partner_id>${escapeXml(owner)}</partner_id><create_dt>${createDt}</create_dt></Session></sessions>`,
      );
  };
}
