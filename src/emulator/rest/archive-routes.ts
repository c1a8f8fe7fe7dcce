/** Handlers of the archive REST API under /v2/project/:apiKey/archive (docs/platform.md §5). */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { ArchiveLifecycle, StreamChange } from '../archives/archive-lifecycle';
import { toArchiveJson } from '../archives/archive-json';
import type { DownloadLinks } from '../archives/download-links';
import { describeIssues, layoutSchema, parseStartOptions } from '../archives/start-options';
import { badRequest } from '../errors';
import type { ArchiveRecord } from '../storage/records';

export interface ArchiveHandlers {
  start: RequestHandler;
  stop: RequestHandler;
  get: RequestHandler;
  list: RequestHandler;
  remove: RequestHandler;
  setLayout: RequestHandler;
  changeStreams: RequestHandler;
}

const listQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  // Default 50, at most 1000 (docs/platform.md §5.3).
  count: z.coerce.number().int().min(0).max(1000).default(50),
  sessionId: z.string().min(1).optional(),
});

const streamChangeSchema = z.union([
  z
    .object({
      addStream: z.string().min(1),
      hasAudio: z.boolean().default(true),
      hasVideo: z.boolean().default(true),
    })
    .refine((s) => s.hasAudio || s.hasVideo, 'hasAudio and hasVideo cannot both be false'),
  z.object({ removeStream: z.string().min(1) }),
]);

export function createArchiveHandlers(deps: {
  lifecycle: ArchiveLifecycle;
  links: DownloadLinks;
  basePath: string;
  clock: () => number;
}): ArchiveHandlers {
  const { lifecycle } = deps;
  const apiKeyOf = (req: Request): string => String(req.params.apiKey);
  const archiveIdOf = (req: Request): string => String(req.params.archiveId);

  /** The download link points back at whichever host the caller used, as the platform's points at its storage. */
  const render = (req: Request, archive: ArchiveRecord) =>
    toArchiveJson(
      archive,
      (a) =>
        `${req.protocol}://${req.get('host')}${deps.basePath}/downloads/${encodeURIComponent(a.id)}?${deps.links.sign(a.id, deps.clock())}`,
    );

  return {
    async start(req, res) {
      const archive = await lifecycle.start(apiKeyOf(req), parseStartOptions(req.body));
      res.json(render(req, archive));
    },
    async stop(req, res) {
      lifecycle.get(apiKeyOf(req), archiveIdOf(req));
      const archive = await lifecycle.stop(archiveIdOf(req), 'user initiated');
      res.json(render(req, archive));
    },
    get(req, res) {
      res.json(render(req, lifecycle.get(apiKeyOf(req), archiveIdOf(req))));
    },
    list(req, res) {
      const query = listQuerySchema.safeParse(req.query);
      if (!query.success) throw badRequest(`Invalid request. ${describeIssues(query.error)}`);
      const { count, items } = lifecycle.list({ apiKey: apiKeyOf(req), ...query.data });
      res.json({ count, items: items.map((a) => render(req, a)) });
    },
    async remove(req, res) {
      await lifecycle.remove(apiKeyOf(req), archiveIdOf(req));
      res.status(204).end();
    },
    async setLayout(req, res) {
      const layout = layoutSchema.safeParse(req.body ?? {});
      if (!layout.success) throw badRequest(`Invalid request. ${describeIssues(layout.error)}`);
      await lifecycle.setLayout(apiKeyOf(req), archiveIdOf(req), layout.data);
      res.status(200).end();
    },
    async changeStreams(req, res) {
      const change = streamChangeSchema.safeParse(req.body ?? {});
      if (!change.success) throw badRequest(`Invalid request. ${describeIssues(change.error)}`);
      await lifecycle.changeStreams(apiKeyOf(req), archiveIdOf(req), change.data as StreamChange);
      res.status(204).end();
    },
  };
}
