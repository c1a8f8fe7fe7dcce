// The microphone and camera buttons next to the own tile: they mute and unmute what the others receive.

const LABELS = {
  microphone: { on: 'Mute microphone', off: 'Unmute microphone' },
  camera: { on: 'Turn camera off', off: 'Turn camera on' },
};

/**
 * Wires #toggle-microphone, #toggle-camera and #media-controls-reason. `onChange({ hasAudio, hasVideo })` hears
 * every change the person makes. The buttons stay disabled, with the reason shown, until `attach(publisher)`.
 */
export function createMediaControls({ onChange }) {
  const buttons = {
    microphone: document.getElementById('toggle-microphone'),
    camera: document.getElementById('toggle-camera'),
  };
  const reason = document.getElementById('media-controls-reason');
  const state = { hasAudio: true, hasVideo: true };
  let publisher = null;

  // The label says what a press does; it changes with the state instead of an aria-pressed toggle, whose
  // label would have to stay the same (a "Unmute microphone, pressed" button reads as a contradiction).
  function show() {
    for (const [kind, button] of Object.entries(buttons)) {
      if (!button) continue;
      const isOff = kind === 'microphone' ? !state.hasAudio : !state.hasVideo;
      button.dataset.off = String(isOff);
      button.querySelector('.media-toggle-text').textContent = LABELS[kind][isOff ? 'off' : 'on'];
    }
  }

  function setEnabled(enabled, why) {
    for (const button of Object.values(buttons)) {
      if (!button) continue;
      button.disabled = !enabled;
      if (enabled) button.removeAttribute('aria-describedby');
      else if (reason) button.setAttribute('aria-describedby', reason.id);
    }
    if (reason) {
      reason.textContent = why || '';
      reason.hidden = enabled;
    }
  }

  buttons.microphone?.addEventListener('click', () => {
    if (!publisher) return;
    state.hasAudio = !state.hasAudio;
    publisher.publishAudio(state.hasAudio);
    show();
    onChange({ ...state });
  });
  buttons.camera?.addEventListener('click', () => {
    if (!publisher) return;
    state.hasVideo = !state.hasVideo;
    publisher.publishVideo(state.hasVideo);
    show();
    onChange({ ...state });
  });
  show();

  return {
    /** What a new publisher should start with, so that a retried camera keeps the person's choice. */
    get state() {
      return { ...state };
    },
    attach(newPublisher) {
      publisher = newPublisher;
      setEnabled(true);
    },
    detach(why) {
      publisher = null;
      setEnabled(false, why);
    },
  };
}
