// The history's dialogs: a modal that gives the focus back, the inline player and an individual recording's streams.
import { describeRecording } from './archive-rows.js';

const REQUEST_TIMEOUT_MS = 20000;

/** Opens a modal dialog; when it closes, focus goes back to `opener` if it is still on the page. */
export function openDialog(dialog, opener) {
  dialog.addEventListener(
    'close',
    () => {
      if (opener.isConnected) opener.focus();
    },
    { once: true },
  );
  dialog.showModal();
}

export function playRecording(button) {
  const row = button.closest('tr');
  const dialog = document.getElementById('player-dialog');
  const video = document.getElementById('player-video');
  const message = document.getElementById('player-message');
  document.getElementById('player-dialog-title').textContent = describeRecording(row);
  message.textContent = '';
  video.onerror = () => {
    message.textContent =
      'The browser could not play this recording here. Download it to watch it in a video player.';
  };
  // The download route fetches a fresh signed link on every request, so a dialog opened later still plays.
  video.src = `/download/${encodeURIComponent(row.dataset.archiveId)}`;
  dialog.addEventListener(
    'close',
    () => {
      video.pause();
      video.removeAttribute('src');
      video.load();
    },
    { once: true },
  );
  openDialog(dialog, button);
}

function streamItem(stream) {
  const item = document.createElement('li');
  item.className = 'list-group-item stream-item';
  const who = document.createElement('strong');
  who.textContent = stream.name ?? 'Unnamed';
  const kind = stream.videoType === 'screen' ? ' · screen' : '';
  const details = document.createElement('div');
  details.className = 'small';
  details.textContent = `${stream.spanText} (${stream.durationText}) · ${stream.sizeText}${kind}`;
  const id = document.createElement('div');
  id.className = 'small text-body-secondary text-break';
  id.textContent = `Stream ${stream.streamId}`;
  item.append(who, details, id);
  return item;
}

/** The recording whose streams the dialog asked for last: a slower answer for an earlier one is dropped. */
let streamsAskedFor = null;

export async function listStreams(button) {
  const row = button.closest('tr');
  const archiveId = row.dataset.archiveId;
  const dialog = document.getElementById('streams-dialog');
  const list = document.getElementById('streams-list');
  const message = document.getElementById('streams-message');
  const asked = {};
  streamsAskedFor = asked;
  const say = (text) => {
    if (streamsAskedFor === asked) message.textContent = text;
  };
  document.getElementById('streams-dialog-title').textContent = `Streams in ${describeRecording(row)}`;
  list.replaceChildren();
  message.textContent = 'Reading the list of streams from the recording…';
  openDialog(dialog, button);
  try {
    const response = await fetch(`/archive/${encodeURIComponent(archiveId)}/streams`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const reply = await response.json().catch(() => null);
    if (!response.ok) {
      say(reply?.error?.message ?? `The server answered with HTTP ${response.status}.`);
      return;
    }
    if (streamsAskedFor !== asked) return;
    const count = reply.streams.length;
    say(
      `${count} stream${count === 1 ? '' : 's'}, in the order they started; times from the start of the recording.`,
    );
    list.replaceChildren(...reply.streams.map(streamItem));
  } catch {
    say('The app server could not be reached. Check your connection and try again.');
  }
}
