// The one state of a video page (recording, connection, notices) and the events that change it; pages render from it.

/**
 * recording: 'idle' | 'starting' | 'recording' | 'stopping'
 * archive: the recording the page believes running: { id, name, outputMode?, hasAudio?, hasVideo? } or null
 * connection: 'connecting' | 'connected' | 'reconnecting' | 'disconnected'; wasConnected: it once was connected
 * notice: a message about the current recording state, { text, variant }, or null
 * layoutNotice: feedback of the layout and focus controls, { text, variant }, or null
 * focusStreamId: the stream the host gave the focus, or null
 */
export function createInitialState(recording) {
  return {
    recording: recording ? 'recording' : 'idle',
    archive: recording ? { ...recording } : null,
    connection: 'connecting',
    wasConnected: false,
    leftOnPurpose: false,
    notice: null,
    layoutNotice: null,
    focusStreamId: null,
  };
}

/** A store whose listeners run after every event that changed the state. */
export function createPageState(initial) {
  let state = initial;
  const listeners = [];
  return {
    get: () => state,
    dispatch(event) {
      const next = reduce(state, event);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener(state);
    },
    subscribe(listener) {
      listeners.push(listener);
      listener(state);
    },
  };
}

/** The state after `event`; the same object when nothing changed. */
export function reduce(state, event) {
  return withStaleNoticesCleared(state, applyEvent(state, event));
}

function applyEvent(state, event) {
  switch (event.type) {
    case 'connection':
      return {
        ...state,
        connection: event.state,
        // 'clientDisconnected' is this page leaving on purpose, which needs no words.
        leftOnPurpose: event.state === 'disconnected' && event.reason === 'clientDisconnected',
        wasConnected: state.wasConnected || event.state === 'connected',
      };

    // The platform's events are the truth every tab shares; they win over whatever this tab was doing.
    case 'archiveStarted':
      // A repeat (a reconnect replays it) adds details but does not undo a stop in progress.
      if (state.archive?.id === event.archive.id) return withDetails(state, event.archive);
      return { ...state, recording: 'recording', archive: { ...event.archive } };
    case 'archiveStopped':
      if (state.archive && state.archive.id !== event.id) return state;
      return { ...state, recording: 'idle', archive: null };

    case 'startRequested':
      if (state.recording !== 'idle') return state;
      return { ...state, recording: 'starting', archive: null };
    case 'startSucceeded':
      // The archiveStarted event may have come first, without the options that the reply carries.
      if (state.archive?.id === event.archive.id) return withDetails(state, event.archive);
      if (state.recording !== 'starting') return state;
      return { ...state, recording: 'recording', archive: { ...event.archive } };
    case 'startFailed':
      // An archiveStarted that arrived first already tells what runs: the refusal adds nothing.
      if (state.recording !== 'starting') return state;
      return {
        ...state,
        recording: 'idle',
        archive: null,
        notice: { text: event.message, variant: 'danger' },
      };

    case 'stopRequested':
      if (state.recording !== 'recording') return state;
      return { ...state, recording: 'stopping' };
    case 'stopSucceeded':
      // Also a stop another tab won (409/404): either way nothing is recording any more.
      if (state.recording !== 'stopping' || state.archive?.id !== event.id) return state;
      return { ...state, recording: 'idle', archive: null };
    case 'stopFailed':
      if (state.recording !== 'stopping' || state.archive?.id !== event.id) return state;
      return { ...state, recording: 'recording', notice: { text: event.message, variant: 'danger' } };

    case 'archiveDetails':
      if (state.archive?.id !== event.archive.id) return state;
      return withDetails(state, event.archive);
    case 'endedWhileAway': {
      const notice = { text: event.message, variant: 'warning' };
      // Something newer runs or is being started: say what happened to the old one and leave the rest.
      if (state.recording === 'starting' || (state.archive && state.archive.id !== event.id)) {
        return { ...state, notice };
      }
      return {
        ...state,
        recording: 'idle',
        archive: null,
        notice,
      };
    }

    case 'dismissNotice':
      return state.notice ? { ...state, notice: null } : state;
    case 'layoutNotice':
      return { ...state, layoutNotice: event.notice };
    case 'focused':
      return { ...state, focusStreamId: event.streamId };
    default:
      return state;
  }
}

/** A message describes the state it was given in: once the recording state moves on, it is gone. */
function withStaleNoticesCleared(before, after) {
  if (after === before) return before;
  const moved = after.recording !== before.recording || after.archive?.id !== before.archive?.id;
  if (!moved) return after;
  return {
    ...after,
    notice: after.notice === before.notice ? null : after.notice,
    layoutNotice: after.layoutNotice === before.layoutNotice ? null : after.layoutNotice,
  };
}

function withDetails(state, archive) {
  const known = Object.entries(archive).filter(([, value]) => value !== undefined && value !== null);
  return { ...state, archive: { ...state.archive, ...Object.fromEntries(known) } };
}

/** The running recording's archive, as the page needs it, from a start reply, an event or the page data. */
export function toArchive(source) {
  return {
    id: source.id,
    name: source.name || null,
    outputMode: source.outputMode,
    hasAudio: source.hasAudio,
    hasVideo: source.hasVideo,
  };
}

/** Only the host acts, and only with a live connection: otherwise what it sees may already be out of date. */
export function canStart(state) {
  return state.recording === 'idle' && state.connection === 'connected';
}

export function canStop(state) {
  return state.recording === 'recording' && state.connection === 'connected';
}

/** Layout and focus exist only for a composed recording that runs. */
export function canChangeLayout(state) {
  return canStop(state) && state.archive?.outputMode === 'composed';
}
