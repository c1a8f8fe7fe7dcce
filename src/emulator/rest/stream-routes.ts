/**
 * The streams of a session and their layout classes (/v2/project/:apiKey/session/:sessionId/stream): list, get,
 * and set class lists, which the recorder of a composed archive draws (docs/platform.md §5.7).
 */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { ArchiveLifecycle } from '../archives/archive-lifecycle';
import { describeIssues } from '../archives/start-options';
import { badRequest, notFound } from '../errors';
import type { PresenceRegistry } from '../realtime/presence-registry';
import { MAX_CLASS_LIST_CHARS, MAX_CLASS_LIST_ITEMS } from '../realtime/stream-classes';
import type { StateStore } from '../storage/state-store';
import type { StreamInfo } from '../../protocol/realtime';

export interface StreamHandlers {
  list: RequestHandler;
  get: RequestHandler;
  setClassLists: RequestHandler;
}

/** One stream as the platform lists it (the official SDKs' Stream: id, videoType, name, layoutClassList). */
interface StreamJson {
  id: string;
  videoType: string;
  name: string;
  layoutClassList: string[];
}

const className = z
  .string()
  .min(1)
  // A token carries the same list space-separated, so a name with a space in it would be two names.
  .regex(/^\S+$/, 'a class name has no spaces; give each class its own entry');

const classListsSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string().min(1).max(255),
        layoutClassList: z
          .array(className)
          .refine(
            (list) => list.join(' ').length <= MAX_CLASS_LIST_CHARS,
            `at most ${MAX_CLASS_LIST_CHARS} characters with the names joined by spaces`,
          ),
      }),
    )
    .min(1)
    .max(MAX_CLASS_LIST_ITEMS),
});

export function createStreamHandlers(deps: {
  sessions: Pick<StateStore, 'getSession'>;
  presence: Pick<PresenceRegistry, 'streamsOf' | 'layoutClassLists' | 'setLayoutClassList'>;
  archives: Pick<ArchiveLifecycle, 'streamClassesChanged'>;
}): StreamHandlers {
  const { presence } = deps;

  /** Another project's or application's session is as unknown as one that never existed. */
  const requireSession = (req: Request): string => {
    const sessionId = String(req.params.sessionId);
    const session = deps.sessions.getSession(sessionId);
    if (!session || session.apiKey !== String(req.params.apiKey))
      throw notFound('Not found. The session does not exist.');
    return sessionId;
  };

  const liveStreams = (sessionId: string): StreamJson[] => {
    const classes = presence.layoutClassLists(sessionId);
    return presence.streamsOf(sessionId).map((s: StreamInfo) => ({
      id: s.streamId,
      videoType: s.videoType,
      name: s.name,
      layoutClassList: classes[s.streamId] ?? [],
    }));
  };

  const notInSession = (streamId: string) =>
    notFound(`Not found. No stream ${streamId} is published in the session.`);

  return {
    list(req, res) {
      const items = liveStreams(requireSession(req));
      res.json({ count: items.length, items });
    },

    get(req, res) {
      const streamId = String(req.params.streamId);
      const stream = liveStreams(requireSession(req)).find((s) => s.id === streamId);
      if (!stream) throw notInSession(streamId);
      res.json(stream);
    },

    setClassLists(req, res) {
      const sessionId = requireSession(req);
      const body = classListsSchema.safeParse(req.body ?? {});
      if (!body.success) throw badRequest(`Invalid request. ${describeIssues(body.error)}`);
      // All or nothing: one unknown stream changes none of them.
      const live = new Set(presence.streamsOf(sessionId).map((s) => s.streamId));
      const unknown = body.data.items.find((item) => !live.has(item.id));
      if (unknown) throw notInSession(unknown.id);
      for (const item of body.data.items) presence.setLayoutClassList(item.id, item.layoutClassList);
      deps.archives.streamClassesChanged(sessionId);
      res.status(200).end();
    },
  };
}
