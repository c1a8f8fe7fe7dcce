// Joins the page's session: the own camera in #publisher, everyone else in #subscribers, each in a named tile.
import { showAlert } from './alerts.js';
import {
  DISPLAY_NAME_SIGNAL,
  FALLBACK_NAME,
  acceptSignalledName,
  dropNameFromAddress,
  readConnectionName,
} from './display-name.js';
import { createMediaControls } from './media-controls.js';
import { wireNameForm } from './name-form.js';
import { describeConnectError, describeSubscribeError } from './ot-errors.js';
import { createOwnCamera } from './own-camera.js';
import { createTileBoard } from './video-tiles.js';

// The tiles carry the names and the mute marks, so OpenTok.js's own name and mute overlays are turned off.
const WIDGET = {
  insertMode: 'append',
  width: '100%',
  height: '100%',
  style: { nameDisplayMode: 'off', buttonDisplayMode: 'off' },
};

/**
 * Connects with the page's token, publishes once connected and subscribes to every other stream.
 * handlers: onArchiveStarted(event), onArchiveStopped(event), onConnectionState(state, detail),
 * onConnected(session), tileAction { describe(name), onActivate(streamId) } (optional).
 * Returns { session, setFocusedStream(streamId | null), setTileActionsEnabled(enabled) }.
 */
export function joinVideoSession(pageData, handlers = {}) {
  dropNameFromAddress();
  let displayName = pageData.displayName || FALLBACK_NAME;
  const tokenName = displayName;
  const tiles = createTileBoard({
    ownArea: document.getElementById('publisher'),
    othersArea: document.getElementById('subscribers'),
    template: document.getElementById('tile-template'),
    tileAction: handlers.tileAction,
  });
  const ownTile = tiles.addOwn(displayName);
  const controls = createMediaControls({ onChange: (state) => ownTile.setMedia(state) });
  const call = {
    session: null,
    setFocusedStream: (streamId) => tiles.setFocusedStream(streamId),
    setTileActionsEnabled: (enabled) => tiles.setActionEnabled(enabled),
  };

  if (typeof window.OT === 'undefined') {
    showAlert('The video client could not be loaded, so the session cannot start. Reload the page.');
    controls.detach('The video client could not be loaded.');
    handlers.onConnectionState?.('disconnected', { reason: 'clientUnavailable' });
    wireNameForm({ initialName: displayName, onSave: async () => 'Saved for your next visit.' });
    return call;
  }
  const session = OT.initSession(pageData.apiKey, pageData.sessionId);
  call.session = session;
  const reportState = (state, detail) => handlers.onConnectionState?.(state, detail);
  /** Names the others sent after their token was made, by connection ID. */
  const renamed = new Map();
  let connected = false;
  let readyPublisher = null;

  const publish = (publisher) => {
    session.publish(publisher, (error) => {
      if (error) ownCamera.fail(error);
    });
  };
  const ownCamera = createOwnCamera({
    tile: ownTile,
    controls,
    widget: WIDGET,
    readName: () => displayName,
    onReady: (publisher) => {
      readyPublisher = publisher;
      if (connected) publish(publisher);
    },
  });

  // OpenTok.js reports a signal's outcome to a callback only, so the promise is made here.
  const sendName = (to) =>
    new Promise((resolve, reject) => {
      const signal = { type: DISPLAY_NAME_SIGNAL, data: displayName, ...(to ? { to } : {}) };
      session.signal(signal, (error) => (error ? reject(error) : resolve()));
    });

  session.on('streamCreated', (event) => {
    const { stream } = event;
    const name = renamed.get(stream.connection.connectionId) ?? readConnectionName(stream.connection.data);
    const tile = tiles.addStream(stream, name);
    session.subscribe(stream, tile.videoTarget, WIDGET, (error) => {
      if (error) showAlert(describeSubscribeError(error), 'warning');
    });
  });
  session.on('streamDestroyed', (event) => tiles.findByStream(event.stream.streamId)?.remove());
  session.on('streamPropertyChanged', (event) => {
    const tile = tiles.findByStream(event.stream.streamId);
    if (!tile) return;
    if (event.changedProperty === 'hasAudio') tile.setMedia({ hasAudio: Boolean(event.newValue) });
    if (event.changedProperty === 'hasVideo') tile.setMedia({ hasVideo: Boolean(event.newValue) });
  });
  session.on(`signal:${DISPLAY_NAME_SIGNAL}`, (event) => {
    const from = event.from;
    // Only a person names their own streams: a signal from the platform or from this page changes nothing.
    if (!from || from.connectionId === session.connection?.connectionId) return;
    const name = acceptSignalledName(event.data);
    if (!name) return;
    renamed.set(from.connectionId, name);
    for (const tile of tiles.findByConnection(from.connectionId)) tile.setName(name);
  });
  session.on('connectionCreated', (event) => {
    // Someone who joins later reads the name in this page's token; tell them the newer one.
    if (displayName !== tokenName) sendName(event.connection).catch(() => undefined);
  });
  session.on('connectionDestroyed', (event) => renamed.delete(event.connection.connectionId));

  session.on('archiveStarted', (event) => handlers.onArchiveStarted?.(event));
  session.on('archiveStopped', (event) => handlers.onArchiveStopped?.(event));
  session.on('sessionConnected', () => reportState('connected'));
  session.on('sessionReconnecting', () => reportState('reconnecting'));
  session.on('sessionReconnected', () => {
    reportState('connected', { reconnected: true });
    if (displayName !== tokenName) sendName().catch(() => undefined);
  });
  session.on('sessionDisconnected', (event) => {
    connected = false;
    reportState('disconnected', { reason: event?.reason });
    if (!handlers.onConnectionState && event?.reason === 'networkDisconnected') {
      showAlert('The connection to the video session was lost. Reload the page to rejoin.');
    }
  });

  wireNameForm({
    initialName: displayName,
    onSave: async (name) => {
      displayName = name;
      if (!connected) return 'Saved. The others will see it when you join.';
      try {
        await sendName();
        return `Saved. The others now see you as “${name}”.`;
      } catch {
        return 'Saved for your next visit, but the others could not be told now.';
      }
    },
  });

  ownCamera.start();
  reportState('connecting');
  session.connect(pageData.token, (error) => {
    if (error) {
      showAlert(describeConnectError(error));
      reportState('disconnected', { reason: 'connectFailed' });
      return;
    }
    connected = true;
    handlers.onConnected?.(session);
    if (readyPublisher) publish(readyPublisher);
  });
  return call;
}
