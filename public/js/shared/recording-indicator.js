// Draws the recording state: #recording-indicator's words and the recording mark on the video area.

const WORDS = {
  idle: () => 'Not recording',
  starting: () => 'Starting the recording…',
  recording: (name) => (name ? `Recording “${name}”` : 'Recording'),
  stopping: (name) => (name ? `Stopping “${name}”…` : 'Stopping the recording…'),
};

/** Whether the session is being recorded as far as this page knows: stopping still records until it ends. */
export function isRecording(state) {
  return state.recording === 'recording' || state.recording === 'stopping';
}

export function renderRecordingIndicator(state) {
  const recording = isRecording(state);
  const indicator = document.getElementById('recording-indicator');
  if (indicator) {
    indicator.dataset.recording = String(recording);
    indicator.dataset.state = state.recording;
    const words = WORDS[state.recording](state.archive?.name);
    // While the connection is down the page cannot know whether the recording still runs; it says so.
    const text =
      state.connection === 'connected' || state.connection === 'connecting' ? words : `${words} (last known)`;
    const target = indicator.querySelector('.recording-text') || indicator;
    if (target.textContent !== text) target.textContent = text;
  }
  renderVideoAreaMark(recording);
}

/** A badge with text on the video itself, so the mark is seen where people look and not by its colour alone. */
function renderVideoAreaMark(recording) {
  const area = document.querySelector('section.video-area');
  if (!area) return;
  area.dataset.recording = String(recording);
  let mark = area.querySelector(':scope > .recording-mark');
  if (!mark) {
    mark = document.createElement('span');
    mark.className = 'recording-mark';
    // #recording-indicator is the announced version of the same fact.
    mark.setAttribute('aria-hidden', 'true');
    const dot = document.createElement('span');
    dot.className = 'recording-mark-dot';
    mark.append(dot, document.createTextNode('REC'));
    area.prepend(mark);
  }
  mark.hidden = !recording;
}
