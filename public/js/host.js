// Host page: join the archiving session as moderator and start or stop recordings through the app server.
import { clearAlerts, showAlert } from './shared/alerts.js';
import { readPageData } from './shared/page-data.js';
import { postJson } from './shared/post-json.js';
import { setRecording } from './shared/recording-indicator.js';
import { joinVideoSession } from './shared/video-session.js';

const pageData = readPageData();
const form = document.getElementById('archive-form');
const startButton = document.getElementById('start-archive');
const stopButton = document.getElementById('stop-archive');

/** The archive being recorded, from the page data, the start reply or the archiveStarted event. */
let archiveId = pageData.recording ? pageData.recording.id : null;

function showState(isRecording, name) {
  setRecording(isRecording, name);
  startButton.disabled = isRecording;
  stopButton.disabled = !isRecording;
}

showState(Boolean(archiveId), pageData.recording && pageData.recording.name);

joinVideoSession(pageData, {
  onArchiveStarted: (event) => {
    archiveId = event.id;
    showState(true, event.name);
  },
  onArchiveStopped: () => {
    archiveId = null;
    showState(false);
  },
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearAlerts();
  startButton.disabled = true;
  const fields = new FormData(form);
  try {
    const archive = await postJson('/start', {
      name: String(fields.get('name') || ''),
      hasAudio: fields.get('hasAudio') !== null,
      hasVideo: fields.get('hasVideo') !== null,
      outputMode: String(fields.get('outputMode') || 'composed'),
    });
    archiveId = archive.id;
    showState(true, archive.name);
  } catch (error) {
    showAlert(`The archive could not be started. ${error.message}`);
    startButton.disabled = Boolean(archiveId);
  }
});

stopButton.addEventListener('click', async () => {
  if (!archiveId) return;
  clearAlerts();
  stopButton.disabled = true;
  try {
    await postJson(`/stop/${encodeURIComponent(archiveId)}`, {});
    archiveId = null;
    showState(false);
  } catch (error) {
    showAlert(`The archive could not be stopped. ${error.message}`);
    stopButton.disabled = false;
  }
});
