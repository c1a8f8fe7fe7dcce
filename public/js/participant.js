// Participant page: the recording state from the platform's events and the connection state, both in words.
import { renderConnectionNotice } from './shared/connection-notice.js';
import { readPageData } from './shared/page-data.js';
import { renderRecordingIndicator } from './shared/recording-indicator.js';
import { createInitialState, createPageState, toArchive } from './shared/recording-state.js';
import { joinVideoSession } from './shared/video-session.js';

const pageData = readPageData();
const store = createPageState(createInitialState(pageData.recording && toArchive(pageData.recording)));

store.subscribe((state) => {
  renderRecordingIndicator(state);
  renderConnectionNotice(state);
});

joinVideoSession(pageData, {
  onArchiveStarted: (event) =>
    store.dispatch({ type: 'archiveStarted', archive: { id: event.id, name: event.name || null } }),
  onArchiveStopped: (event) => store.dispatch({ type: 'archiveStopped', id: event.id }),
  onConnectionState: (connection, detail) =>
    store.dispatch({ type: 'connection', state: connection, reason: detail?.reason }),
});
