// Keeps #recording-indicator (data-recording and its visible text) in step with the archive events.

export function setRecording(isRecording, name) {
  const indicator = document.getElementById('recording-indicator');
  if (!indicator) return;
  indicator.dataset.recording = isRecording ? 'true' : 'false';
  const text = indicator.querySelector('.recording-text') || indicator;
  text.textContent = isRecording ? (name ? `Recording “${name}”` : 'Recording') : 'Not recording';
}
