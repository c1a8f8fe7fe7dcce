// History page: times in the viewer's locale, statuses refreshed while archives still change, delete after a
// confirmation, and composed recordings played (individual ones listed by stream) without leaving the page.
import { describeRecording, fillRow, formatTimes } from './history/archive-rows.js';
import { listStreams, openDialog, playRecording } from './history/recording-dialogs.js';
import { showAlert } from './shared/alerts.js';
import { postJson } from './shared/post-json.js';

// A recording can run for hours: the page keeps asking as long as it is open, less often while nothing
// changes, and not at all while the tab is hidden.
const MIN_DELAY_MS = 3000;
const MAX_DELAY_MS = 30000;
const REQUEST_TIMEOUT_MS = 10000;
const BACKOFF_FACTOR = 1.5;

const table = document.getElementById('archives');
const page = table ? Number(table.dataset.page) || 1 : 1;

function rowOf(archiveId) {
  return Array.from(table.tBodies[0].rows).find((row) => row.dataset.archiveId === archiveId);
}

async function fetchHistory() {
  // A request that never answers would otherwise stop the refreshing for good.
  const response = await fetch(`/history.json?page=${page}`, {
    headers: { Accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * Brings the rows in line with the server's page: statuses updated in place, deleted recordings gone, and
 * the ones a delete moved onto this page added. Returns whether anything changed.
 */
function showHistory(history) {
  const body = table.tBodies[0];
  const template = document.getElementById('archive-row-template');
  const wanted = new Set(history.archives.map((archive) => archive.id));
  let changed = false;
  for (const row of Array.from(body.rows)) {
    if (!wanted.has(row.dataset.archiveId)) {
      row.remove();
      changed = true;
    }
  }
  for (const [index, archive] of history.archives.entries()) {
    let row = rowOf(archive.id);
    if (!row && template) {
      row = template.content.firstElementChild.cloneNode(true);
      changed = true;
    }
    if (!row) continue;
    if (fillRow(row, archive, page)) changed = true;
    // The server's order, newest first; a row already in place is not moved, so it keeps the focus.
    if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] ?? null);
  }
  table.dataset.pending = history.isPending ? 'true' : 'false';
  const summary = document.getElementById('history-summary');
  if (summary) {
    const count = `${history.total} archive${history.total === 1 ? '' : 's'}`;
    summary.textContent = `Page ${history.page} of ${history.lastPage} · ${count}, newest first.`;
  }
  if (history.page >= history.lastPage)
    document.querySelector('a.page-link[rel="next"]')?.parentElement.remove();
  if (history.archives.length === 0) showEmptyPage(history);
  return changed;
}

/** The last recording of the page went: say so where the table was, with a way on. */
function showEmptyPage(history) {
  const box = document.createElement('div');
  box.id = 'empty-state';
  box.className = 'card card-body';
  const text = document.createElement('p');
  text.className = 'mb-2';
  const link = document.createElement('a');
  if (history.total === 0) {
    text.textContent = 'No archives left.';
    link.href = '/host';
    link.textContent = 'Open the host view to record one';
  } else {
    text.textContent = 'No archives left on this page.';
    link.href = `/history?page=${history.lastPage}`;
    link.textContent = `Go to the last page (page ${history.lastPage})`;
  }
  const linkLine = document.createElement('p');
  linkLine.className = 'mb-0';
  linkLine.append(link);
  box.append(text, linkLine);
  document.getElementById('history-summary')?.remove();
  table.replaceWith(box);
}

function startPolling() {
  let delayMs = MIN_DELAY_MS;
  let failures = 0;
  let timer;
  let inFlight = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (table.isConnected && table.dataset.pending === 'true' && !document.hidden) {
      timer = setTimeout(tick, delayMs);
    }
  };
  const tick = async () => {
    timer = undefined;
    inFlight = true;
    try {
      const changed = showHistory(await fetchHistory());
      failures = 0;
      delayMs = changed ? MIN_DELAY_MS : Math.min(delayMs * BACKOFF_FACTOR, MAX_DELAY_MS);
    } catch {
      // A failed refresh changes nothing on the page: keep trying, at the same gentle pace.
      failures += 1;
      delayMs = Math.min(delayMs * BACKOFF_FACTOR, MAX_DELAY_MS);
      if (failures === 3) {
        showAlert(
          'Archive statuses could not be refreshed: the app server or the platform is unreachable.',
          'warning',
        );
      }
    } finally {
      inFlight = false;
    }
    schedule();
  };

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else if (!inFlight && table.dataset.pending === 'true') {
      // What changed while the tab was hidden is shown at once, not after the backed-off delay.
      clearTimeout(timer);
      void tick();
    }
  });
  return { schedule };
}

function announce(message) {
  const notice = document.getElementById('history-notice');
  const alert = document.createElement('div');
  alert.className = 'alert alert-success';
  alert.textContent = message;
  notice.replaceChildren(alert);
}

/** Asks before deleting; on Confirm deletes, says what went and updates the list. */
function askToDelete(form, polling) {
  const row = form.closest('tr');
  const dialog = document.getElementById('delete-dialog');
  const recording = describeRecording(row);
  document.getElementById('delete-dialog-title').textContent = `Delete ${recording}?`;
  document.getElementById('delete-dialog-text').textContent =
    'The recording is removed from the platform for good, and cannot be downloaded again.';
  const opener = form.querySelector('button[type=submit]');
  dialog.returnValue = '';
  dialog.addEventListener(
    'close',
    () => {
      if (dialog.returnValue === 'confirm') void deleteRecording(row, form, recording, polling);
    },
    { once: true },
  );
  openDialog(dialog, opener);
}

async function deleteRecording(row, form, recording, polling) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await postJson(form.action, { page });
  } catch (error) {
    button.disabled = false;
    button.focus();
    showAlert(error.message);
    return;
  }
  // Focus stays in the list: on the next recording's first action, or the heading when none is left.
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  announce(`Deleted ${recording}.`);
  (
    next?.querySelector('.archive-actions button, .archive-actions a') ??
    document.getElementById('history-title')
  ).focus();
  try {
    showHistory(await fetchHistory());
    polling.schedule();
  } catch {
    showAlert('The list could not be refreshed. Reload the page to see the other recordings.', 'warning');
  }
}

formatTimes(document);
if (table) {
  const polling = startPolling();
  // One listener for every row, those added later included.
  table.addEventListener('submit', (event) => {
    const form = event.target.closest('form.delete-form');
    if (!form) return;
    event.preventDefault();
    askToDelete(form, polling);
  });
  table.addEventListener('click', (event) => {
    const play = event.target.closest('button.play-button');
    if (play) playRecording(play);
    const streams = event.target.closest('button.streams-button');
    if (streams) void listStreams(streams);
  });
  polling.schedule();
}
