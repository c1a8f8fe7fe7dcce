/** Layout and focus of the composed recording, chosen by the host: POST /layout/:archiveId and POST /focus. */
import type { Request, RequestHandler } from 'express';
import type { ArchiveLayout, LayoutType, OpenTok } from '../../sdk';
import { HttpError } from '../errors';
import type { SessionStore } from '../session-store';
import { rethrowRefusal } from './platform-refusals';

export interface LayoutDeps {
  opentok: OpenTok;
  /** The archiving demo's session, whose streams the focus is chosen among. */
  sessions: SessionStore;
}

export interface LayoutHandlers {
  setLayout: RequestHandler;
  setFocus: RequestHandler;
}

/** The layout class the presentation layouts enlarge (docs/platform.md §5.6). */
const FOCUS_CLASS = 'focus';
/**
 * The platform documents no bound on a custom stylesheet; this one is the app's own, and the emulator's. A
 * layout is a few rules, and the JSON body parser stops anything over 16 kB anyway.
 */
const MAX_STYLESHEET_CHARS = 10_000;
/** Every layout type, in the words the host page uses for it. */
const LAYOUT_NAMES: Record<LayoutType, string> = {
  bestFit: 'best fit',
  horizontalPresentation: 'horizontal presentation',
  verticalPresentation: 'vertical presentation',
  pip: 'picture-in-picture',
  custom: 'custom',
};
const PICK_A_LAYOUT = `Pick a layout: ${Object.values(LAYOUT_NAMES).join(', ')}.`;
// Archive IDs and stream IDs are UUIDs; this shape keeps anything else out of the platform's URLs.
const PLATFORM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const RECORDING: ReadonlySet<string> = new Set(['started', 'paused']);

export function createLayoutHandlers({ opentok, sessions }: LayoutDeps): LayoutHandlers {
  return {
    setLayout: async (req, res) => {
      const archiveId = readArchiveId(req);
      const layout = readLayoutChoice(req.body);
      // Asked first so that the host learns why a layout cannot change, which the platform's bare 400 or
      // 409 would not say (docs/platform.md §5.6).
      const archive = await opentok.archives.find(archiveId).catch(rethrowRefusal('layout'));
      if (archive.outputMode !== 'composed') {
        throw new HttpError({
          status: 409,
          message:
            'This recording keeps each person’s video in a file of its own (individual output), so it has no layout to change. Start a composed recording to choose a layout.',
        });
      }
      if (!RECORDING.has(archive.status)) {
        throw new HttpError({
          status: 409,
          message: 'That recording has stopped, so its layout can no longer change. Reload the page.',
        });
      }
      await opentok.archives.setLayout(archiveId, layout).catch(rethrowRefusal('layout'));
      res.json({ layout });
    },

    setFocus: async (req, res) => {
      const focusStreamId = readFocusChoice(req.body);
      const sessionId = await sessions.getSessionId();
      const streams = await opentok.streams.listStreams(sessionId).catch(rethrowRefusal('focus'));
      if (focusStreamId !== null && !streams.some((stream) => stream.id === focusStreamId)) {
        throw new HttpError({
          status: 409,
          message:
            'That person is not sending video at the moment, so they cannot have the focus. Pick another tile.',
        });
      }
      // One request for every stream, so the recording never shows two streams with the focus.
      if (streams.length > 0) {
        await opentok.streams
          .setStreamClassLists(
            sessionId,
            streams.map((stream) => ({
              id: stream.id,
              layoutClassList: stream.id === focusStreamId ? [FOCUS_CLASS] : [],
            })),
          )
          .catch(rethrowRefusal('focus'));
      }
      res.json({ focusStreamId });
    },
  };
}

function readArchiveId(req: Request): string {
  const id = req.params.archiveId;
  if (typeof id !== 'string' || !PLATFORM_ID.test(id)) {
    throw new HttpError({
      status: 400,
      message: 'That is not a valid recording ID. Reload the page and choose the layout again.',
    });
  }
  return id;
}

function readLayoutChoice(body: unknown): ArchiveLayout {
  const { type, stylesheet } = fieldsOf(body);
  if (typeof type !== 'string' || !Object.hasOwn(LAYOUT_NAMES, type)) {
    throw new HttpError({ status: 400, message: PICK_A_LAYOUT });
  }
  // A stylesheet left in the page's form from an earlier custom layout is not an error: only custom reads it.
  if (type !== 'custom') return { type: type as LayoutType };
  if (typeof stylesheet !== 'string' || stylesheet.trim() === '') {
    throw new HttpError({
      status: 400,
      message: 'A custom layout needs a stylesheet: write the CSS rules that place the videos.',
    });
  }
  if (stylesheet.length > MAX_STYLESHEET_CHARS) {
    throw new HttpError({
      status: 400,
      message: `The stylesheet is too long: keep it under ${MAX_STYLESHEET_CHARS.toLocaleString('en')} characters.`,
    });
  }
  return { type: 'custom', stylesheet };
}

function readFocusChoice(body: unknown): string | null {
  const fields = fieldsOf(body);
  if (!Object.hasOwn(fields, 'streamId')) {
    throw new HttpError({
      status: 400,
      message: 'Pick the tile of the person to give the focus to, or clear the focus.',
    });
  }
  const { streamId } = fields;
  if (streamId === null) return null;
  if (typeof streamId !== 'string' || !PLATFORM_ID.test(streamId)) {
    throw new HttpError({
      status: 400,
      message: 'That tile does not belong to this call. Reload the page and pick a tile again.',
    });
  }
  return streamId;
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
