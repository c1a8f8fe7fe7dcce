// Host page: one recording state (shared/recording-state.js) drives the buttons, options, layout and notices.
import { renderNotice } from './shared/alerts.js';
import {
  describeEndedWhileAway,
  fetchArchiveStatus,
  isRunning,
  recallRecording,
  rememberRecording,
} from './shared/archive-status.js';
import { renderConnectionNotice } from './shared/connection-notice.js';
import { createLayoutControls } from './shared/layout-controls.js';
import { readPageData } from './shared/page-data.js';
import { postJson } from './shared/post-json.js';
import { isRecording, renderRecordingIndicator } from './shared/recording-indicator.js';
import {
  canStart,
  canStop,
  createInitialState,
  createPageState,
  toArchive,
} from './shared/recording-state.js';
import { joinVideoSession } from './shared/video-session.js';

const pageData = readPageData();
const form = document.getElementById('archive-form');
const startButton = document.getElementById('start-archive');
const stopButton = document.getElementById('stop-archive');
const nameInput = document.getElementById('archive-name');
const outputSelect = document.getElementById('archive-output-mode');
const audioBox = document.getElementById('archive-has-audio');
const videoBox = document.getElementById('archive-has-video');
const optionsNote = document.getElementById('archive-options-note');
const noticeRegion = document.getElementById('recording-notice');

/** What this tab saw running before a reload: if it ended meanwhile, the host is told. */
const rememberedBeforeLoad = recallRecording();
const store = createPageState(createInitialState(pageData.recording && toArchive(pageData.recording)));
let call = null;
const layout = createLayoutControls({ store, getCall: () => call });

/** The options the host typed, kept while the fields show the running recording's own settings. */
let draft = null;
/** The archiveStarted event and the page data name the recording only; its options come from the app. */
const detailsAsked = new Set();

function renderOptions(state) {
  const busy = state.recording !== 'idle';
  if (busy && !draft) draft = readDraft();
  if (!busy && draft) {
    writeOptions(draft);
    draft = null;
  }
  if (busy && state.archive) {
    writeOptions({
      name: state.archive.name || '',
      outputMode: state.archive.outputMode ?? draft.outputMode,
      hasAudio: state.archive.hasAudio ?? draft.hasAudio,
      hasVideo: state.archive.hasVideo ?? draft.hasVideo,
    });
  }
  // Read-only rather than editable: what is shown is what is being recorded.
  nameInput.readOnly = busy;
  for (const control of [outputSelect, audioBox, videoBox]) control.disabled = busy;
  optionsNote.hidden = !busy;
  form.dataset.recordingOptions = String(busy);
}

function readDraft() {
  return {
    name: nameInput.value,
    outputMode: outputSelect.value,
    hasAudio: audioBox.checked,
    hasVideo: videoBox.checked,
  };
}

function writeOptions(options) {
  nameInput.value = options.name;
  outputSelect.value = options.outputMode;
  audioBox.checked = options.hasAudio;
  videoBox.checked = options.hasVideo;
}

function renderButtons(state) {
  startButton.disabled = !canStart(state);
  stopButton.disabled = !canStop(state);
  // The action that can happen next is the filled one; the other stays quiet.
  const recording = isRecording(state);
  startButton.classList.toggle('btn-danger', !recording);
  startButton.classList.toggle('btn-outline-secondary', recording);
  stopButton.classList.toggle('btn-danger', recording);
  stopButton.classList.toggle('btn-outline-secondary', !recording);
  form.setAttribute('aria-busy', String(state.recording === 'starting' || state.recording === 'stopping'));
}

store.subscribe((state) => {
  renderRecordingIndicator(state);
  renderConnectionNotice(state);
  renderNotice(noticeRegion, state.notice, () => store.dispatch({ type: 'dismissNotice' }));
  renderButtons(state);
  renderOptions(state);
  layout.render(state);
  if (state.recording === 'recording') rememberRecording(state.archive);
  if (state.recording === 'idle') rememberRecording(null);
  requestMissingDetails(state);
});

function requestMissingDetails(state) {
  const archive = state.archive;
  if (state.recording !== 'recording' || !archive || archive.outputMode || detailsAsked.has(archive.id))
    return;
  detailsAsked.add(archive.id);
  fetchArchiveStatus(archive.id)
    .then((status) => {
      if (status && isRunning(status)) store.dispatch({ type: 'archiveDetails', archive: toArchive(status) });
    })
    .catch(() => undefined);
}

/** Asks how the recording this tab believed running is doing, and tells the host if it ended meanwhile. */
async function checkRecordingWhileAway(archive) {
  let status;
  try {
    status = await fetchArchiveStatus(archive.id);
  } catch {
    return; // the app cannot be reached either: the connection notice already says so
  }
  if (isRunning(status)) {
    store.dispatch({ type: 'archiveStarted', archive: toArchive(status) });
    return;
  }
  store.dispatch({
    type: 'endedWhileAway',
    id: archive.id,
    message: describeEndedWhileAway(archive, status),
  });
}

/** The recording believed running when the connection dropped; checked once it is back. */
let awayFrom = null;

call = joinVideoSession(pageData, {
  onArchiveStarted: (event) =>
    store.dispatch({ type: 'archiveStarted', archive: { id: event.id, name: event.name || null } }),
  onArchiveStopped: (event) => store.dispatch({ type: 'archiveStopped', id: event.id }),
  onConnectionState: (connection, detail) => {
    const state = store.get();
    const leaving = connection === 'reconnecting' || connection === 'disconnected';
    if (leaving && state.connection === 'connected' && state.archive && isRecording(state)) {
      awayFrom = state.archive;
    }
    store.dispatch({ type: 'connection', state: connection, reason: detail?.reason });
    if (connection === 'connected' && detail && detail.reconnected && awayFrom) {
      const archive = awayFrom;
      awayFrom = null;
      checkRecordingWhileAway(archive);
    }
  },
  tileAction: layout.tileAction,
});

if (rememberedBeforeLoad && rememberedBeforeLoad.id !== store.get().archive?.id) {
  checkRecordingWhileAway(rememberedBeforeLoad);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!canStart(store.get())) return;
  const fields = readDraft();
  const chosenLayout = layout.layoutForStart();
  if (chosenLayout === null) return;
  store.dispatch({ type: 'startRequested' });
  try {
    const archive = await postJson('/start', {
      name: fields.name,
      hasAudio: fields.hasAudio,
      hasVideo: fields.hasVideo,
      outputMode: fields.outputMode,
      ...(chosenLayout ? { layout: chosenLayout } : {}),
    });
    store.dispatch({ type: 'startSucceeded', archive: toArchive(archive) });
  } catch (error) {
    store.dispatch({ type: 'startFailed', message: `The recording could not be started. ${error.message}` });
  }
});

stopButton.addEventListener('click', async () => {
  const state = store.get();
  if (!canStop(state)) return;
  const archiveId = state.archive.id;
  store.dispatch({ type: 'stopRequested' });
  try {
    await postJson(`/stop/${encodeURIComponent(archiveId)}`, {});
    store.dispatch({ type: 'stopSucceeded', id: archiveId });
  } catch (error) {
    // Another tab or host stopped it first: the outcome the host asked for, so no error to show.
    const stoppedElsewhere = error.status === 409 || error.status === 404;
    store.dispatch(
      stoppedElsewhere
        ? { type: 'stopSucceeded', id: archiveId }
        : {
            type: 'stopFailed',
            id: archiveId,
            message: `The recording could not be stopped. ${error.message}`,
          },
    );
  }
});
