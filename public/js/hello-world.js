// Hello World page: join the group chat session, publish the camera and say in words how the connection is.
import { renderConnectionNotice } from './shared/connection-notice.js';
import { readPageData } from './shared/page-data.js';
import { createInitialState, createPageState } from './shared/recording-state.js';
import { joinVideoSession } from './shared/video-session.js';

const store = createPageState(createInitialState(null));
store.subscribe(renderConnectionNotice);

joinVideoSession(readPageData(), {
  onConnectionState: (connection, detail) =>
    store.dispatch({ type: 'connection', state: connection, reason: detail?.reason }),
});
