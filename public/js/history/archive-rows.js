// The history's rows: times in the viewer's locale, how a recording is named, and a row filled from /history.json.
import { csrfToken } from '../shared/page-data.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// "12 Nov, 14:03" (in the viewer's own order): enough to tell two recordings of one name apart.
const shortTimeFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

function formatTime(time) {
  const date = new Date(time.getAttribute('datetime'));
  if (Number.isNaN(date.getTime())) return;
  time.textContent = timeFormat.format(date);
  time.title = date.toISOString();
}

export function formatTimes(root) {
  for (const time of root.querySelectorAll('time.archive-created')) formatTime(time);
}

/** "“Team sync” (12 Nov, 14:03)": how the page names a recording in its questions and notices. */
export function describeRecording(row) {
  const date = new Date(row.dataset.createdAt);
  const when = Number.isNaN(date.getTime()) ? '' : ` (${shortTimeFormat.format(date)})`;
  return `“${row.dataset.name}”${when}`;
}

function hiddenText(text) {
  const span = document.createElement('span');
  span.className = 'visually-hidden';
  span.textContent = text;
  return span;
}

function buildButton(className, label, hiddenLabel) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.append(label, hiddenText(hiddenLabel));
  return button;
}

function buildActions(archive, page) {
  const wrapper = document.createElement('div');
  wrapper.className = 'd-flex flex-wrap gap-2';
  if (archive.canPlay) {
    wrapper.append(buildButton('play-button btn btn-sm btn-primary', 'Play', ` ${archive.name}`));
  }
  if (archive.canListStreams) {
    wrapper.append(
      buildButton('streams-button btn btn-sm btn-outline-primary', 'Streams', ` of ${archive.name}`),
    );
  }
  if (archive.canDownload) {
    const link = document.createElement('a');
    link.className = 'download-link btn btn-sm btn-outline-primary';
    link.href = `/download/${encodeURIComponent(archive.id)}`;
    link.append('Download', hiddenText(` ${archive.name}`));
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
    button.append('Delete', hiddenText(` ${archive.name}`));
    form.append(button);
    wrapper.append(form);
  }
  return wrapper;
}

/**
 * Writes an archive from /history.json into its row (a new one comes from the page's row template); `page` is
 * the page a delete returns to. Returns whether the row changed.
 */
export function fillRow(row, archive, page) {
  const isNew = !row.dataset.archiveId;
  if (!isNew && row.dataset.status === archive.status) return false;
  Object.assign(row.dataset, {
    archiveId: archive.id,
    status: archive.status,
    name: archive.name,
    createdAt: archive.createdAt,
  });
  const name = row.querySelector('.archive-name-text');
  name.textContent = archive.name;
  name.title = archive.name;
  const time = row.querySelector('time.archive-created');
  time.setAttribute('datetime', archive.createdAt);
  formatTime(time);
  row.querySelector('.archive-duration').textContent = archive.durationText;
  row.querySelector('.archive-size').textContent = archive.sizeText;
  row.querySelector('.archive-output').textContent = archive.outputText;
  const badge = row.querySelector('.archive-status .badge');
  badge.className = `badge status-${archive.status}`;
  badge.textContent = archive.statusText;
  row.querySelector('.archive-actions').replaceChildren(buildActions(archive, page));
  return true;
}
