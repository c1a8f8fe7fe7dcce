// Asks the app how a recording ended (GET /archive/:id) and remembers, per tab, which recording the host saw running.

const REMEMBERED_KEY = 'host-recording';
const RUNNING = new Set(['started', 'paused']);

/** Resolves to the app's { id, name, status, reason, … }, or null when the recording no longer exists. */
export async function fetchArchiveStatus(archiveId) {
  const response = await fetch(`/archive/${encodeURIComponent(archiveId)}`, {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`The server answered with HTTP ${response.status}.`);
  return response.json();
}

export function isRunning(status) {
  return Boolean(status) && RUNNING.has(status.status);
}

/** The platform's reason (docs/platform.md §5.3) in words. */
export function describeEndReason(status) {
  if (!status) return 'it no longer exists';
  if (status.status === 'failed') return 'the recording failed';
  switch (status.reason) {
    case 'user initiated':
      return 'a host stopped it';
    case 'session ended':
      return 'the video session ended';
    case 'maximum duration exceeded':
    case '90 mins exceeded':
      return 'it reached the maximum length';
    case 'failure':
    case 'system failure':
      return 'the recording failed';
    default:
      return 'no reason was given';
  }
}

export function describeEndedWhileAway(archive, status) {
  const name = archive.name ? `The recording “${archive.name}”` : 'The recording';
  // A failed recording has no file: saying only "it failed" would leave the host looking for it in the history.
  if (status && status.status === 'failed') {
    return `${name} stopped while you were away, and nothing of it could be saved. Start a new recording if you still need one.`;
  }
  return `${name} stopped while you were away (${describeEndReason(status)}).`;
}

/** Kept in sessionStorage so that a reload of this tab still knows what it last saw running. */
export function rememberRecording(archive) {
  writeStorage(archive ? JSON.stringify({ id: archive.id, name: archive.name || null }) : null);
}

export function recallRecording() {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(REMEMBERED_KEY) || 'null');
    return value && typeof value.id === 'string' ? { id: value.id, name: value.name || null } : null;
  } catch {
    return null;
  }
}

function writeStorage(value) {
  try {
    if (value === null) window.sessionStorage.removeItem(REMEMBERED_KEY);
    else window.sessionStorage.setItem(REMEMBERED_KEY, value);
  } catch {
    // Storage may be off (private mode, policy); a reload then simply does not report what ended.
  }
}
