// The video tiles: one `.tile[data-stream-id]` per stream with its name, its no-audio/no-video marks and focus.

let nextTileId = 1;

/**
 * Builds tiles from the page's #tile-template. `tileAction` ({ describe(name), onActivate(streamId) }) makes
 * every tile with a stream a toggle button; without it tiles are plain pictures.
 */
export function createTileBoard({ ownArea, othersArea, template, tileAction }) {
  const tiles = new Set();
  let focusedStreamId = null;
  /** Whether the tile action can act now; until then tiles say so (aria-disabled) and explain on a press. */
  let actionEnabled = false;

  function createTile({ own, name, connectionId }) {
    const element = template.content.firstElementChild.cloneNode(true);
    const marks = element.querySelector('.tile-marks');
    marks.id = `tile-marks-${nextTileId++}`;
    const tile = {
      element,
      own,
      connectionId,
      streamId: '',
      name,
      /** Where the platform client puts its video widget. */
      videoTarget: element.querySelector('.tile-video'),
      setName(newName) {
        tile.name = newName;
        // The own tile always says "You"; the name field next to it shows the name the others see.
        const shown = own ? 'You' : newName;
        element.querySelector('.tile-name').textContent = shown;
        element.querySelector('.tile-camera-off-name').textContent = shown;
        refreshAction();
      },
      setStreamId(streamId) {
        tile.streamId = streamId || '';
        element.dataset.streamId = tile.streamId;
        refreshAction();
        showFocus();
      },
      setMedia({ hasAudio, hasVideo }) {
        if (hasAudio !== undefined) setMark('audio', !hasAudio);
        if (hasVideo !== undefined) {
          setMark('video', !hasVideo);
          element.querySelector('.tile-camera-off').hidden = hasVideo;
        }
      },
      /** Says in the tile why there is no video (the own camera refused), with a Retry button. */
      showProblem(message, onRetry) {
        const problem = element.querySelector('.tile-problem');
        problem.querySelector('.tile-problem-text').textContent = message;
        const retry = problem.querySelector('.tile-retry');
        retry.disabled = false;
        retry.textContent = 'Retry';
        retry.onclick = () => {
          retry.disabled = true;
          retry.textContent = 'Trying again…';
          onRetry();
        };
        problem.hidden = false;
        element.classList.add('has-problem');
      },
      clearProblem() {
        element.querySelector('.tile-problem').hidden = true;
        element.classList.remove('has-problem');
      },
      showFocus,
      refreshAction,
      remove() {
        tiles.delete(tile);
        element.remove();
      },
    };

    function setMark(kind, isOff) {
      element.querySelector(`.tile-mark[data-mark="${kind}"]`).hidden = !isOff;
      element.dataset[kind === 'audio' ? 'hasAudio' : 'hasVideo'] = String(!isOff);
    }

    function refreshAction() {
      if (!tileAction) return;
      const active = tile.streamId !== '';
      if (!active) {
        element.removeAttribute('role');
        element.removeAttribute('tabindex');
        element.removeAttribute('aria-label');
        element.removeAttribute('aria-pressed');
        element.removeAttribute('aria-describedby');
        element.removeAttribute('aria-disabled');
        return;
      }
      element.setAttribute('role', 'button');
      element.tabIndex = 0;
      element.setAttribute('aria-disabled', String(!actionEnabled));
      element.setAttribute('aria-label', tileAction.describe(own ? 'yourself' : tile.name));
      // The label replaces the tile's content for assistive technology; the marks stay as its description.
      element.setAttribute('aria-describedby', marks.id);
      element.setAttribute('aria-pressed', String(tile.streamId === focusedStreamId));
    }

    function showFocus() {
      const focused = tile.streamId !== '' && tile.streamId === focusedStreamId;
      element.classList.toggle('is-focused', focused);
      element.querySelector('.tile-focus-badge').hidden = !focused;
      if (tileAction && tile.streamId !== '') element.setAttribute('aria-pressed', String(focused));
    }

    if (tileAction) {
      const activate = (event) => {
        // Buttons inside the tile (Retry) act for themselves.
        if (!tile.streamId || event.target.closest('button')) return;
        tileAction.onActivate(tile.streamId);
      };
      element.addEventListener('click', activate);
      element.addEventListener('keydown', (event) => {
        if (event.target !== element || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault();
        activate(event);
      });
    }

    // The badge is for the eyes: the tile's aria-pressed and the layout notice already say who has the focus,
    // and the badge appearing inside the live list of tiles would announce it a second time.
    element.querySelector('.tile-focus-badge').setAttribute('aria-hidden', 'true');
    element.classList.toggle('is-own', own);
    tile.setName(name);
    tile.setMedia({ hasAudio: true, hasVideo: true });
    tiles.add(tile);
    return tile;
  }

  return {
    /** The own tile, placed in #publisher; it gets its stream ID once the camera is published. */
    addOwn(name) {
      const tile = createTile({ own: true, name, connectionId: null });
      ownArea.append(tile.element);
      return tile;
    },
    /** A tile for another person's stream, with the stream's current audio and video state. */
    addStream(stream, name) {
      const tile = createTile({ own: false, name, connectionId: stream.connection.connectionId });
      tile.setStreamId(stream.streamId);
      tile.setMedia({ hasAudio: stream.hasAudio, hasVideo: stream.hasVideo });
      othersArea.append(tile.element);
      return tile;
    },
    findByStream(streamId) {
      for (const tile of tiles) if (tile.streamId !== '' && tile.streamId === streamId) return tile;
      return undefined;
    },
    /** The others' tiles showing streams of one connection (one person may publish more than one). */
    findByConnection(connectionId) {
      return [...tiles].filter((tile) => !tile.own && tile.connectionId === connectionId);
    },
    setFocusedStream(streamId) {
      focusedStreamId = streamId || null;
      for (const tile of tiles) tile.showFocus();
    },
    /** Whether pressing a tile can act now (the host: while a composed recording runs). */
    setActionEnabled(enabled) {
      if (actionEnabled === Boolean(enabled)) return;
      actionEnabled = Boolean(enabled);
      for (const tile of tiles) tile.refreshAction();
    },
  };
}
