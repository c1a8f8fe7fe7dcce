// History page: shows times in the viewer's locale and refreshes statuses while archives are still changing.
import { showAlert } from './shared/alerts.js';
import { csrfToken } from './shared/page-data.js';

// A recording can run for hours: the page keeps asking as long as it is open, less often while nothing
// changes, and not at all while the tab is hidden.
const MIN_DELAY_MS = 3000;
const MAX_DELAY_MS = 30000;
const REQUEST_TIMEOUT_MS = 10000;
const BACKOFF_FACTOR = 1.5;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTimes(root) {
  for (const time of root.querySelectorAll('time.archive-created')) {
    const date = new Date(time.getAttribute('datetime'));
    if (!Number.isNaN(date.getTime())) {
      time.textContent = timeFormat.format(date);
      time.title = date.toISOString();
    }
  }
}

function buildActions(archive, page) {
  const wrapper = document.createElement('div');
  wrapper.className = 'd-flex flex-wrap gap-2';
  const hiddenName = () => {
    const span = document.createElement('span');
    span.className = 'visually-hidden';
    span.textContent = ` ${archive.name}`;
    return span;
  };
  if (archive.canDownload) {
    const link = document.createElement('a');
    link.className = 'download-link btn btn-sm btn-outline-primary';
    link.href = `/download/${encodeURIComponent(archive.id)}`;
    link.append('Download', hiddenName());
    wrapper.append(link);
  }
  if (archive.canDelete) {
    const form = document.createElement('form');
    form.className = 'delete-form';
    form.method = 'post';
    form.action = `/delete/${encodeURIComponent(archive.id)}`;
    for (const [name, value] of [
      ['_csrf', csrfToken()],
      ['page', String(page)],
    ]) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    const button = document.createElement('button');
    button.type = 'submit';
    button.className = 'btn btn-sm btn-outline-danger';
    button.append('Delete', hiddenName());
    form.append(button);
    wrapper.append(form);
  }
  return wrapper;
}

/** Returns whether the row's status changed. */
function updateRow(row, archive, page) {
  if (row.dataset.status === archive.status) return false;
  row.dataset.status = archive.status;
  const badge = row.querySelector('.archive-status .badge');
  if (badge) {
    badge.className = `badge status-${archive.status}`;
    badge.textContent = archive.status;
  }
  const duration = row.querySelector('.archive-duration');
  if (duration) duration.textContent = archive.durationText;
  const size = row.querySelector('.archive-size');
  if (size) size.textContent = archive.sizeText;
  const actions = row.querySelector('.archive-actions');
  if (actions) actions.replaceChildren(buildActions(archive, page));
  return true;
}

/** Updates the rows in place; returns whether any status changed. */
async function refresh(table, page) {
  // A request that never answers would otherwise stop the refreshing for good.
  const response = await fetch(`/history.json?page=${page}`, {
    headers: { Accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const history = await response.json();
  const rows = table.querySelectorAll('tbody tr[data-archive-id]');
  let changed = false;
  for (const archive of history.archives) {
    for (const row of rows) {
      if (row.dataset.archiveId === archive.id && updateRow(row, archive, page)) changed = true;
    }
  }
  table.dataset.pending = history.isPending ? 'true' : 'false';
  return changed;
}

function startPolling(table) {
  const page = Number(table.dataset.page) || 1;
  let delayMs = MIN_DELAY_MS;
  let failures = 0;
  let timer;
  let inFlight = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (table.dataset.pending === 'true' && !document.hidden) timer = setTimeout(tick, delayMs);
  };
  const tick = async () => {
    timer = undefined;
    inFlight = true;
    try {
      const changed = await refresh(table, page);
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
  schedule();
}

formatTimes(document);
const table = document.getElementById('archives');
if (table && table.dataset.pending === 'true') startPolling(table);
