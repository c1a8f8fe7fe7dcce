/** The public types of a session's streams and of the layout class lists set on them. */

/**
 * A stream published in a session, as the platform describes it (docs/platform.md §5.7).
 *
 * @example
 * ```ts
 * const streams: Stream[] = await opentok.streams.listStreams(sessionId);
 * const screens = streams.filter((stream) => stream.videoType === 'screen');
 * ```
 */
export interface Stream {
  /** Stream ID (a UUID), the `streamId` OpenTok.js reports. */
  readonly id: string;
  /**
   * `camera`, or `screen` for a shared screen. Only these two have been seen; another string is passed
   * through rather than dropped (`string & {}` keeps the known values suggested by editors).
   */
  readonly videoType: 'camera' | 'screen' | (string & {});
  /** The name the publisher gave the stream; `''` when none. */
  readonly name: string;
  /** The layout classes a composed archive's layout applies to this stream, e.g. `['focus']`. */
  readonly layoutClassList: readonly string[];
}

/**
 * The layout classes to give one stream; an empty list clears them.
 *
 * @example
 * ```ts
 * const change: StreamClassList = { id: streamId, layoutClassList: ['focus'] };
 * ```
 */
export interface StreamClassList {
  /** The stream's ID. */
  id: string;
  /** Class names, each without spaces; `[]` removes every class. */
  layoutClassList: readonly string[];
}
