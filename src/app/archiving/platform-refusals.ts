/** What the platform's refusal of an archive operation means on each route, in words a user can act on. */
import { ArchiveError, StreamError } from '../../sdk';
import { HttpError } from '../errors';

/** The app's uses of the archive API; each one words the same platform status differently. */
export type ArchiveAction = 'start' | 'stop' | 'download' | 'delete' | 'list' | 'layout' | 'focus';

interface Refusal {
  /** What the app answers: the platform's 4xx where it is the user's to act on, 502 where it is the app's. */
  status: number;
  message: string;
  /** For the log, where the app knows more than the SDK's general reading of the status. */
  logMessage?: string;
}

const UNKNOWN_ID = 'The video platform did not accept that recording ID.';

/**
 * One row per platform status the SDK reports as an ArchiveError for that operation (docs/platform.md §5.5). A 403
 * is an AuthenticationError, answered 502 for every route by the error handler: only the app's credentials
 * can cause it. (In 2013 the platform also answered 403 to a delete with a malformed archive ID; the IDs this
 * app sends come from the platform's own listing.)
 */
const REFUSALS: Record<ArchiveAction, Partial<Record<number, Refusal>>> = {
  start: {
    // The options were validated before the request, so a 400 is the platform's "no clients connected".
    400: {
      status: 400,
      message:
        'Nobody is publishing yet: the platform records only sessions with a connected client. Wait until your camera shows (or a participant joins), then start again.',
    },
    // The app creates its sessions routed (app.ts), so a 409 is never the relayed-session case the SDK's
    // message also suggests (docs/platform.md §5.5): the log says what it is.
    409: {
      status: 409,
      message: 'This session is already being recorded. Stop that recording before starting another one.',
      logMessage:
        'Cannot start archive (409): the session is already being recorded (its media mode is routed, so not the relayed-session case)',
    },
    404: {
      status: 404,
      message:
        'The video platform no longer knows this demo’s session, so it cannot be recorded. Restart the app to create a new session.',
    },
  },
  stop: {
    400: { status: 400, message: `${UNKNOWN_ID} Reload the page and try again.` },
    404: {
      status: 404,
      message: 'That recording no longer exists. Reload the page to see the current state.',
    },
    409: {
      status: 409,
      message: 'That recording is not recording any more. Reload the page to see its current status.',
    },
  },
  download: {
    400: { status: 400, message: `${UNKNOWN_ID} Pick the recording from the history page.` },
    404: { status: 404, message: 'That recording no longer exists. Pick another one from the history page.' },
  },
  delete: {
    400: { status: 400, message: `${UNKNOWN_ID} Pick the recording from the history page.` },
    404: {
      status: 404,
      message: 'That recording no longer exists: it may have been deleted already. Reload the history page.',
    },
    409: {
      status: 409,
      message:
        'This recording cannot be deleted yet: only finished recordings can be. If it is still recording, stop it from the host view first; once stopped, it can be deleted as soon as it shows as available, usually within a minute.',
    },
  },
  // The app sends a valid offset and count, so a refusal to list is the app's problem, not the user's.
  list: {
    400: {
      status: 502,
      message: 'The video platform refused to list the recordings. Try again in a moment.',
    },
    404: {
      status: 502,
      message:
        'The video platform does not know this project: check API_KEY (or VONAGE_APPLICATION_ID) in the app’s configuration.',
    },
  },
  // The layout was checked before the request (layout-handlers.ts), so a 400 is about the recording.
  layout: {
    400: {
      status: 409,
      message:
        'The video platform did not accept a layout for this recording. Only composed recordings that are still running can change their layout.',
    },
    404: {
      status: 404,
      message: 'That recording no longer exists. Reload the page to see the current state.',
    },
    409: {
      status: 409,
      message: 'That recording has stopped, so its layout can no longer change. Reload the page.',
    },
  },
  // The stream IDs come from the platform's own list a moment before, so a refusal means a stream just left.
  focus: {
    400: {
      status: 409,
      message: 'Someone joined or left the call just now. Pick the tile again.',
    },
    404: {
      status: 409,
      message: 'Someone joined or left the call just now. Pick the tile again.',
    },
  },
};

/**
 * Replaces the SDK's developer message (archive IDs, SDK method names, the platform's own words) with the
 * route's sentence; the SDK error stays the cause, and the error handler logs it at warn level.
 */
export function explainRefusal(action: ArchiveAction, error: unknown): unknown {
  if (!(error instanceof ArchiveError || error instanceof StreamError) || error.status === undefined)
    return error;
  const refusal = REFUSALS[action][error.status];
  if (!refusal) return error;
  return new HttpError({ ...refusal, cause: error });
}

/** For a promise's `.catch`: rethrows the error in the route's words. */
export function rethrowRefusal(action: ArchiveAction): (error: unknown) => never {
  return (error) => {
    throw explainRefusal(action, error);
  };
}
