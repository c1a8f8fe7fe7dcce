/** The archiving demo: host and participant views, start/stop, history, download and delete. */
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Archive, OpenTok } from '../../sdk';
import type { AppMode } from '../config';
import { createConnectionData, pickDisplayName } from '../display-name';
import { HttpError } from '../errors';
import { serializePageData } from '../page-data';
import type { SessionStore } from '../session-store';
import { createMemoryStore } from '../state/memory-store';
import type { StateStore } from '../state/state-store';
import { createArchiveStatusHandler } from './archive-status';
import { createArchiveStreamsHandler } from './archive-streams';
import { logArchiveChange, logArchiveDeleted } from './archive-log';
import { ARCHIVES_PER_PAGE, buildHistoryPage, listingOffset, parsePageNumber } from './history-view';
import { rethrowRefusal } from './platform-refusals';
import { createRecentAnswers } from './recent-answers';
import { parseStartOptions } from './start-options';

export interface ArchivingDeps {
  opentok: OpenTok;
  mode: AppMode;
  /** The one routed session every host and participant joins. */
  sessions: SessionStore;
  /** How long an archive listing is reused by later pages; default 1000 ms, 0 asks the platform every time. */
  listingTtlMs?: number;
  /** Carries "the archives changed" to every instance; a store of this process alone when absent. */
  store?: StateStore;
  /** Receives one info line per archive the host starts, stops or deletes. */
  logger: Logger;
}

export interface ArchivingHandlers {
  hostPage: RequestHandler;
  participantPage: RequestHandler;
  historyPage: RequestHandler;
  historyJson: RequestHandler;
  start: RequestHandler;
  stop: RequestHandler;
  download: RequestHandler;
  remove: RequestHandler;
  archiveStatus: RequestHandler;
  archiveStreams: RequestHandler;
}

/** What the browser learns about an archive: no download URL or password, which the platform also returns. */
export interface ArchiveSummary {
  id: string;
  name: string | null;
  status: Archive['status'];
  sessionId: string;
  outputMode: Archive['outputMode'];
  hasAudio: boolean;
  hasVideo: boolean;
  createdAt: number;
}

const ARCHIVE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const RECORDING: ReadonlySet<string> = new Set(['started', 'paused']);
const ARCHIVES_CHANGED = 'archives-changed';

type HistoryPage = Awaited<ReturnType<typeof loadHistory>>;
type Recording = Awaited<ReturnType<typeof findRecording>>;

export function createArchivingHandlers({
  opentok,
  mode,
  sessions,
  listingTtlMs = 1000,
  store = createMemoryStore(),
  logger,
}: ArchivingDeps): ArchivingHandlers {
  // The listings stay in each process (see recent-answers.ts); only the news that they are out of date is
  // shared, so that a page served by another instance right after a start, stop or delete shows it.
  const recordings = createRecentAnswers<Recording>({ ttlMs: listingTtlMs });
  const histories = createRecentAnswers<HistoryPage>({ ttlMs: listingTtlMs });
  store.onAnnouncement(ARCHIVES_CHANGED, () => {
    recordings.clear();
    histories.clear();
  });
  const archivesChanged = (): Promise<void> => store.announce(ARCHIVES_CHANGED);
  const historyPage = (page: number) => histories.get(String(page), () => loadHistory(opentok, page, mode));

  /** Both views share the session; only the token role differs. */
  const renderVideoPage = (view: 'host' | 'participant', role: 'moderator' | 'publisher'): RequestHandler => {
    return async (req, res) => {
      const sessionId = await sessions.getSessionId();
      const displayName = pickDisplayName(req, res);
      const token = opentok.generateToken(sessionId, { role, data: createConnectionData(displayName) });
      // The archiveStarted event may come late or not at all for a page opened mid-recording, so the
      // page starts from what the platform reports now.
      const recording = await recordings.get(sessionId, () => findRecording(opentok, sessionId));
      res.render(view, {
        title: view === 'host' ? 'Archiving — host' : 'Archiving — participant',
        pageData: serializePageData({
          apiKey: opentok.apiKey,
          sessionId,
          token,
          mode,
          recording,
          displayName,
        }),
        recording,
        displayName,
      });
    };
  };

  return {
    hostPage: renderVideoPage('host', 'moderator'),
    // Participants publish and subscribe but cannot moderate (the seed handed out moderator tokens).
    participantPage: renderVideoPage('participant', 'publisher'),

    historyPage: async (req, res) => {
      const history = await historyPage(parsePageNumber(req.query.page));
      res.render('history', { title: 'Archive history', history });
    },

    historyJson: async (req, res) => {
      const history = await historyPage(parsePageNumber(req.query.page));
      res.set('Cache-Control', 'no-store');
      res.json({
        page: history.page,
        lastPage: history.lastPage,
        total: history.total,
        isPending: history.isPending,
        archives: history.rows,
      });
    },

    start: async (req, res) => {
      const options = parseStartOptions(req.body, isFormRequest(req));
      const sessionId = await sessions.getSessionId();
      const archive = await opentok.archives
        .create(sessionId, options)
        .catch(rethrowRefusal('start'))
        .finally(archivesChanged);
      logArchiveChange(logger, 'started', archive);
      res.json(summarize(archive));
    },

    stop: async (req, res) => {
      const archive = await opentok.archives
        .stopById(readArchiveId(req))
        .catch(rethrowRefusal('stop'))
        .finally(archivesChanged);
      logArchiveChange(logger, 'stopped', archive);
      res.json(summarize(archive));
    },

    download: async (req, res) => {
      const archive = await opentok.archives.find(readArchiveId(req)).catch(rethrowRefusal('download'));
      if (archive.status === 'available' && archive.url) {
        // The platform's URL is signed and expires after ten minutes, so it is fetched on every click.
        res.redirect(302, mode === 'local' ? sameOriginPath(archive.url) : archive.url);
        return;
      }
      if (archive.status === 'deleted') {
        throw new HttpError({
          status: 404,
          message:
            'This recording was deleted, so it can no longer be downloaded. Pick another one from the history page.',
        });
      }
      throw new HttpError({ status: 409, message: explainUnavailable(archive) });
    },

    remove: async (req, res) => {
      const archiveId = readArchiveId(req);
      const body: unknown = req.body;
      const page = parsePageNumber(
        typeof body === 'object' && body !== null ? (body as { page?: unknown }).page : undefined,
      );
      await opentok.archives.deleteById(archiveId).catch(rethrowRefusal('delete')).finally(archivesChanged);
      logArchiveDeleted(logger, archiveId);
      // The history page's script deletes without leaving the page; the plain form comes back to its page.
      const backToPage = () => res.redirect(303, `/history?page=${page}`);
      res.format({
        html: backToPage,
        json: () => res.json({ id: archiveId, status: 'deleted' }),
        default: backToPage,
      });
    },

    archiveStatus: createArchiveStatusHandler({ opentok, readArchiveId }),
    archiveStreams: createArchiveStreamsHandler({ opentok, readArchiveId }),
  };
}

async function loadHistory(opentok: OpenTok, page: number, mode: AppMode) {
  const offset = listingOffset(page);
  const list = await opentok.archives.all({ offset, count: ARCHIVES_PER_PAGE }).catch(rethrowRefusal('list'));
  return buildHistoryPage({ page, total: list.total, items: list.items, mode });
}

async function findRecording(
  opentok: OpenTok,
  sessionId: string,
): Promise<{ id: string; name: string | null } | null> {
  const list = await opentok.archives.all({ sessionId, count: 10 }).catch(rethrowRefusal('list'));
  const running = list.items.find((archive) => RECORDING.has(archive.status));
  return running ? { id: running.id, name: running.name ?? null } : null;
}

function summarize(archive: Archive): ArchiveSummary {
  return {
    id: archive.id,
    name: archive.name ?? null,
    status: archive.status,
    sessionId: archive.sessionId,
    outputMode: archive.outputMode,
    hasAudio: archive.hasAudio,
    hasVideo: archive.hasVideo,
    createdAt: archive.createdAt,
  };
}

function readArchiveId(req: Request): string {
  const id = req.params.archiveId;
  if (typeof id !== 'string' || !ARCHIVE_ID.test(id)) {
    throw new HttpError({
      status: 400,
      message:
        'That address does not lead to a recording: it may have been cut short or changed. Open the recording again from the history page.',
    });
  }
  return id;
}

function isFormRequest(req: Request): boolean {
  return Boolean(req.is('application/x-www-form-urlencoded'));
}

function explainUnavailable(archive: Archive): string {
  switch (archive.status) {
    case 'started':
    case 'paused':
      return 'This recording is still running. Stop it from the host view, then download it once the history shows it as available.';
    case 'stopped':
      return 'This recording is still being processed. Try again in a minute, once the history shows it as available.';
    case 'uploaded':
      return 'This recording was saved to your project’s own storage (Amazon S3 or Azure), not kept by the platform: download it from there.';
    case 'expired':
      return 'This recording has expired: the platform keeps recordings for download for 72 hours, so it can no longer be downloaded.';
    case 'failed':
      return 'This recording failed, so there is nothing to download. You can delete it from the history page.';
    default:
      return 'This recording cannot be downloaded right now. Reload the history page to see how it is doing.';
  }
}

/**
 * In local mode the emulator signs its links for the address the app's own SDK calls (127.0.0.1:PORT), while
 * the browser may reach the app through a proxy or another host name. The emulator is mounted on the app
 * itself, so the link's path and query lead to the same file from whatever origin the page came from.
 */
function sameOriginPath(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname + search;
}
