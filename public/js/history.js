// History page: shows times in the viewer's locale and refreshes statuses while archives are still changing.
import { showAlert } from './shared/alerts.js';
import { csrfToken } from './shared/page-data.js';

const POLL_INTERVAL_MS = 3000;
// About ten minutes of polling; an archive still processing after that needs a reload anyway.
const MAX_POLLS = 200;

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

function updateRow(row, archive, page) {
  if (row.dataset.status === archive.status) return;
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
}

async function refresh(table, page) {
  const response = await fetch(`/history.json?page=${page}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const history = await response.json();
  const rows = table.querySelectorAll('tbody tr[data-archive-id]');
  for (const archive of history.archives) {
    for (const row of rows) {
      if (row.dataset.archiveId === archive.id) updateRow(row, archive, page);
    }
  }
  table.dataset.pending = history.isPending ? 'true' : 'false';
  return history.isPending;
}

function startPolling(table) {
  const page = Number(table.dataset.page) || 1;
  let polls = 0;
  let failures = 0;
  const tick = async () => {
    polls += 1;
    let pending = true;
    try {
      pending = await refresh(table, page);
      failures = 0;
    } catch {
      failures += 1;
      if (failures === 3) {
        showAlert(
          'Archive statuses could not be refreshed: the app server or the platform is unreachable.',
          'warning',
        );
      }
    }
    if (pending && polls < MAX_POLLS) setTimeout(tick, POLL_INTERVAL_MS);
  };
  setTimeout(tick, POLL_INTERVAL_MS);
}

formatTimes(document);
const table = document.getElementById('archives');
if (table && table.dataset.pending === 'true') startPolling(table);
