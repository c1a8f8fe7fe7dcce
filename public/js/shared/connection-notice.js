// Words for the connection to the video session, shown in the page's #connection-notice live region.
import { renderNotice } from './alerts.js';

/**
 * The notice for a connection state, or null while all is well. A first connect that fails is explained by
 * the video session's own alert, which knows why.
 */
export function describeConnection({ connection, wasConnected, leftOnPurpose }) {
  if (!wasConnected || leftOnPurpose) return null;
  if (connection === 'reconnecting')
    return { text: 'Reconnecting to the video session…', variant: 'warning' };
  if (connection === 'disconnected') {
    return { text: 'The connection was lost. Reload the page to rejoin.', variant: 'danger' };
  }
  return null;
}

export function renderConnectionNotice(state) {
  const region = document.getElementById('connection-notice');
  if (region) region.dataset.connection = state.connection;
  renderNotice(region, describeConnection(state));
}
