// The host's layout picker and tile focus: chosen before start, changed while a composed recording runs.
import { postJson } from './post-json.js';
import { canChangeLayout } from './recording-state.js';

const LAYOUT_NAMES = {
  bestFit: 'Best fit',
  horizontalPresentation: 'Horizontal presentation',
  verticalPresentation: 'Vertical presentation',
  pip: 'Picture-in-picture',
  custom: 'Custom',
};

/**
 * store: the page state (recording-state.js); getCall: the joined video call (video-session.js), once there.
 * Returns render(state) for the page's subscriber, the tileAction for joinVideoSession and the layout that
 * Start archiving sends.
 */
export function createLayoutControls({ store, getCall }) {
  const select = document.getElementById('archive-layout');
  const stylesheetGroup = document.getElementById('layout-stylesheet-group');
  const stylesheet = document.getElementById('archive-stylesheet');
  const applyButton = document.getElementById('apply-layout');
  const help = document.getElementById('layout-help');
  const outputMode = document.getElementById('archive-output-mode');
  const region = document.getElementById('layout-notice');
  let busy = false;

  const say = (text, variant) => store.dispatch({ type: 'layoutNotice', notice: { text, variant } });

  /** The picker's layout, or null with a notice when it cannot be sent as it is. */
  function readLayout() {
    const type = select.value in LAYOUT_NAMES ? select.value : 'bestFit';
    if (type !== 'custom') return { type };
    const css = stylesheet.value.trim();
    if (!css) {
      say('A custom layout needs a stylesheet: write one, or pick another layout.', 'danger');
      stylesheet.focus();
      return null;
    }
    return { type, stylesheet: css };
  }

  async function applyLayout() {
    const state = store.get();
    if (!canChangeLayout(state) || busy) return;
    const layout = readLayout();
    if (!layout) return;
    busy = true;
    render(store.get());
    try {
      await postJson(`/layout/${encodeURIComponent(state.archive.id)}`, layout);
      say(`The recording now uses the ${LAYOUT_NAMES[layout.type]} layout.`, 'success');
    } catch (error) {
      say(`The layout could not be changed. ${error.message}`, 'danger');
    } finally {
      busy = false;
      render(store.get());
    }
  }

  async function focusStream(streamId) {
    const state = store.get();
    if (!canChangeLayout(state)) {
      say('The focus can be given while a composed recording runs: start one first.', 'info');
      return;
    }
    if (busy) return;
    // Selecting the tile that has the focus takes it away again.
    const wanted = state.focusStreamId === streamId ? null : streamId;
    busy = true;
    try {
      const reply = await postJson('/focus', { streamId: wanted });
      const focused = reply && typeof reply.focusStreamId === 'string' ? reply.focusStreamId : null;
      store.dispatch({ type: 'focused', streamId: focused });
      getCall()?.setFocusedStream(focused);
      say(
        focused ? 'That person now has the focus: the layout shows them large.' : 'Nobody has the focus now.',
        'success',
      );
    } catch (error) {
      say(`The focus could not be changed. ${error.message}`, 'danger');
    } finally {
      busy = false;
    }
  }

  function render(state) {
    const composed = state.archive
      ? state.archive.outputMode !== 'individual'
      : outputMode.value === 'composed';
    const idle = state.recording === 'idle';
    const live = canChangeLayout(state);
    select.disabled = !composed || !(idle || live) || busy;
    stylesheetGroup.hidden = select.value !== 'custom';
    stylesheet.readOnly = select.disabled;
    applyButton.hidden = idle;
    applyButton.disabled = !live || busy;
    help.textContent = describeLayoutHelp(state, composed, live);
    document.querySelector('section.video-area')?.setAttribute('data-focus-enabled', String(live));
    // A tile that cannot give the focus now says so; pressing it still explains why.
    getCall()?.setTileActionsEnabled(live);
    renderLayoutNotice(region, state.layoutNotice);
  }

  select.addEventListener('change', () => {
    store.dispatch({ type: 'layoutNotice', notice: null });
    render(store.get());
  });
  outputMode.addEventListener('change', () => render(store.get()));
  applyButton.addEventListener('click', applyLayout);

  return {
    render,
    /** The layout Start archiving sends: composed only, and only a valid one (null stops the start). */
    layoutForStart() {
      if (outputMode.value !== 'composed') return undefined;
      return readLayout();
    },
    tileAction: {
      describe: (name) => `Give ${name} the focus in the recording`,
      onActivate: (streamId) => {
        focusStream(streamId);
      },
    },
  };
}

function describeLayoutHelp(state, composed, live) {
  if (!composed) {
    return state.archive
      ? 'This recording is individual (one file per stream), so it has no layout and no focus.'
      : 'Layouts apply to composed recordings (one video); an individual recording keeps one file per stream.';
  }
  if (live) return 'Apply a layout, or select a person’s tile to give them the focus in the recording.';
  if (state.recording === 'idle') {
    return 'Sent with Start archiving. While the recording runs you can change it and select a tile to give that person the focus.';
  }
  return 'The layout can be changed once the recording runs and the connection is up.';
}

/** Feedback lives beside the controls, in its own polite live region. */
function renderLayoutNotice(region, notice) {
  if (!region) return;
  const text = notice ? notice.text : '';
  if (region.textContent !== text) region.textContent = text;
  region.dataset.variant = notice ? notice.variant : '';
}
