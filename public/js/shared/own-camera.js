// The own camera and microphone: opens them into the own tile, says in the tile why they failed, retries.
import { describePublishError } from './ot-errors.js';

/**
 * Opens the camera into `tile` (see video-tiles.js) and calls `onReady(publisher)` each time one is ready to
 * publish. A failure is shown in the tile with a Retry button, and the media buttons are disabled with it.
 */
export function createOwnCamera({ tile, controls, widget, readName, onReady }) {
  let publisher = null;

  function fail(reason) {
    const message = describePublishError(reason);
    controls.detach('Your camera and microphone are not available, so there is nothing to mute.');
    tile.setMedia({ hasAudio: false, hasVideo: false });
    tile.showProblem(message, start);
  }

  function start() {
    publisher?.destroy();
    publisher = null;
    tile.clearProblem();
    controls.detach('Waiting for your camera and microphone…');
    const wanted = controls.state;
    let created;
    let failed = false;
    // A publisher replaced by Retry may still report its own end; only the current one speaks.
    const failOnce = (error) => {
      if (failed || publisher !== created) return;
      failed = true;
      fail(error);
    };
    try {
      created = OT.initPublisher(
        tile.videoTarget,
        { ...widget, name: readName(), publishAudio: wanted.hasAudio, publishVideo: wanted.hasVideo },
        (error) => {
          if (error) {
            failOnce(error);
            return;
          }
          if (publisher !== created) return;
          controls.attach(created);
          tile.setMedia(wanted);
          onReady(created);
        },
      );
    } catch (error) {
      fail(error);
      return;
    }
    publisher = created;
    created.on('accessDenied', () => failOnce({ name: 'OT_USER_MEDIA_ACCESS_DENIED' }));
    created.on('streamCreated', (event) => tile.setStreamId(event.stream.streamId));
    created.on('streamDestroyed', () => tile.setStreamId(''));
  }

  return {
    start,
    /** Reports a failed publish (e.g. a token that may not publish) the same way as a refused camera. */
    fail,
  };
}
