// Words for the errors the platform's browser client reports (OpenTok.js and the local client alike).

const MEDIA_REFUSED = new Set(['OT_USER_MEDIA_ACCESS_DENIED', 'NotAllowedError', 'PermissionDeniedError']);
const NO_DEVICE = new Set([
  'OT_HARDWARE_UNAVAILABLE',
  'OT_NO_DEVICES_FOUND',
  'NotFoundError',
  'NotReadableError',
]);
const AUTH_FAILED = new Set(['OT_AUTHENTICATION_ERROR', 'OT_TOKEN_EXPIRED', 'OT_INVALID_SESSION_ID']);

function nameOf(error) {
  return (error && (error.name || error.code)) || '';
}

export function describePublishError(error) {
  const name = nameOf(error);
  if (MEDIA_REFUSED.has(name)) {
    return 'Camera and microphone blocked — allow them in the browser’s site settings, then reload.';
  }
  if (NO_DEVICE.has(name)) {
    return 'No camera or microphone could be used. Connect one (or close other apps using it), then reload the page.';
  }
  if (name === 'OT_PERMISSION_DENIED') return 'Your token does not allow publishing in this session.';
  return `Your camera could not be published${error && error.message ? `: ${error.message}` : '.'}`;
}

export function describeConnectError(error) {
  const name = nameOf(error);
  if (AUTH_FAILED.has(name)) {
    return 'The video session refused this page’s token. Reload the page to get a new one.';
  }
  return 'Connection to the video session failed. Check your network connection, then reload the page.';
}

export function describeSubscribeError(error) {
  return `A participant’s video could not be shown${error && error.message ? `: ${error.message}` : '.'}`;
}
