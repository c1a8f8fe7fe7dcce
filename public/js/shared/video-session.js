// Joins the page's session: publishes the camera into #publisher and shows everyone else in #subscribers.
import { showAlert } from './alerts.js';
import { describeConnectError, describePublishError, describeSubscribeError } from './ot-errors.js';

const WIDGET = { insertMode: 'append', width: '100%', height: '100%' };

/**
 * Connects with the page's token, publishes once connected and subscribes to every other stream.
 * handlers.onArchiveStarted / onArchiveStopped receive the platform's archive events.
 */
export function joinVideoSession(pageData, handlers = {}) {
  if (typeof window.OT === 'undefined') {
    showAlert('The video client could not be loaded, so the session cannot start. Reload the page.');
    return null;
  }
  const session = OT.initSession(pageData.apiKey, pageData.sessionId);

  session.on('streamCreated', (event) => {
    session.subscribe(event.stream, document.getElementById('subscribers'), WIDGET, (error) => {
      if (error) showAlert(describeSubscribeError(error), 'warning');
    });
  });
  session.on('archiveStarted', (event) => handlers.onArchiveStarted?.(event));
  session.on('archiveStopped', (event) => handlers.onArchiveStopped?.(event));
  session.on('sessionDisconnected', (event) => {
    if (event && event.reason === 'networkDisconnected') {
      showAlert('The connection to the video session was lost. Reload the page to rejoin.');
    }
  });

  let publisherFailed = false;
  const publisher = OT.initPublisher('publisher', WIDGET, (error) => {
    if (error) {
      publisherFailed = true;
      showAlert(describePublishError(error));
    }
  });
  if (publisher && typeof publisher.on === 'function') {
    publisher.on('accessDenied', () => {
      publisherFailed = true;
      showAlert(describePublishError({ name: 'OT_USER_MEDIA_ACCESS_DENIED' }));
    });
  }

  session.connect(pageData.token, (error) => {
    if (error) {
      showAlert(describeConnectError(error));
      return;
    }
    handlers.onConnected?.(session);
    if (publisherFailed) return;
    session.publish(publisher, (publishError) => {
      if (publishError) showAlert(describePublishError(publishError));
    });
  });
  return session;
}
