/** Server-side signals and forced disconnects of the REST API (/v2/project/:apiKey/session/:sessionId/…). */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { describeIssues } from '../archives/start-options';
import { PlatformError, badRequest, notFound } from '../errors';
import { RealtimeError } from '../realtime/realtime-error';
import type { PresenceReader } from '../realtime/presence-registry';
import type { SessionHub } from '../realtime/session-hub';
import type { Signaling } from '../realtime/signaling';
import type { StateStore } from '../storage/state-store';

export interface SessionControlHandlers {
  signal: RequestHandler;
  forceDisconnect: RequestHandler;
}

const signalSchema = z.object({ type: z.string().optional(), data: z.string().optional() });

export function createSessionControlHandlers(deps: {
  sessions: Pick<StateStore, 'getSession'>;
  presence: Pick<PresenceReader, 'connectionIds'>;
  signaling: Signaling;
  hub: Pick<SessionHub, 'kick'>;
}): SessionControlHandlers {
  const requireSession = (req: Request): string => {
    const sessionId = String(req.params.sessionId);
    const session = deps.sessions.getSession(sessionId);
    if (!session || session.apiKey !== String(req.params.apiKey))
      throw notFound('Not found. The session does not exist.');
    return sessionId;
  };

  return {
    signal(req, res) {
      const sessionId = requireSession(req);
      const body = signalSchema.safeParse(req.body ?? {});
      if (!body.success) throw badRequest(`Invalid request. ${describeIssues(body.error)}`);
      const to = typeof req.params.connectionId === 'string' ? req.params.connectionId : undefined;
      if (deps.presence.connectionIds(sessionId).length === 0)
        throw notFound('Not found. No clients are connected to the session.');
      try {
        deps.signaling.signal({
          sessionId,
          from: null,
          to,
          signalType: body.data.type,
          data: body.data.data,
        });
      } catch (error) {
        if (!(error instanceof RealtimeError)) throw error;
        // The REST signal API answers the same limits with 413 and an unknown connection with 404 (docs/platform.md §6.2).
        const status = error.code === 413 ? 413 : error.code === 404 ? 404 : 400;
        throw new PlatformError({ status, message: error.message, cause: error });
      }
      res.status(204).end();
    },
    forceDisconnect(req, res) {
      const sessionId = requireSession(req);
      if (!deps.hub.kick(sessionId, String(req.params.connectionId))) {
        throw notFound('Not found. The connection is not in the session.');
      }
      res.status(204).end();
    },
  };
}
