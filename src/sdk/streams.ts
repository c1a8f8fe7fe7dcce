/** The Streams resource: list and get a session's streams and set their layout classes. */
import { HttpClient, parseJsonReply, pathOf } from './http';
import { buildClassListBody, requireStreamId } from './stream-class-lists';
import type { Stream, StreamClassList } from './stream-types';
import { readStream, readStreamList } from './stream-wire';
import { requirePathId, requireSessionId } from './validation';

/**
 * The streams published in the project's sessions, and the layout classes that place them in a composed
 * archive (docs/platform.md §5.7). Reached through {@link OpenTok.streams}.
 *
 * @example
 * ```ts
 * const [first] = await opentok.streams.listStreams(sessionId);
 * if (first) await opentok.streams.setStreamClassLists(sessionId, [{ id: first.id, layoutClassList: ['focus'] }]);
 * ```
 */
export class Streams {
  readonly #http: HttpClient;
  readonly #projectPath: string;

  /**
   * Built by {@link OpenTok}; `projectId` is the API key or application ID.
   * @internal
   */
  constructor(http: HttpClient, projectId: string) {
    this.#http = http;
    this.#projectPath = pathOf('v2', 'project', projectId);
  }

  /**
   * Lists the streams published in a session now, with their layout classes.
   *
   * @throws {@link ArgumentError} for a session ID that is empty, longer than 255 characters or not base64url.
   *
   * @example
   * ```ts
   * const streams = await opentok.streams.listStreams(sessionId);
   * console.log(streams.map((stream) => `${stream.id}: ${stream.layoutClassList.join(' ')}`));
   * ```
   */
  async listStreams(sessionId: string): Promise<Stream[]> {
    const reply = await this.#http.send({
      operation: 'listStreams',
      method: 'GET',
      path: this.#streamsPath(requireSessionId('sessionId', sessionId)),
    });
    return readStreamList(parseJsonReply(reply), reply);
  }

  /**
   * Gets one stream of a session.
   *
   * @throws {@link ArgumentError} for a malformed session ID, or an empty, `.`/`..` or over-long stream ID.
   *
   * @example
   * ```ts
   * const stream = await opentok.streams.getStream(sessionId, streamId);
   * const focused = stream.layoutClassList.includes('focus');
   * ```
   */
  async getStream(sessionId: string, streamId: string): Promise<Stream> {
    const session = requireSessionId('sessionId', sessionId);
    const id = requirePathId('streamId', requireStreamId('streamId', streamId));
    const reply = await this.#http.send({
      operation: 'getStream',
      method: 'GET',
      path: `${this.#streamsPath(session)}${pathOf(id)}`,
      streamId: id,
    });
    return readStream(parseJsonReply(reply), reply);
  }

  /**
   * Sets the layout classes of one or more streams of a session in one request; streams left out keep
   * theirs. An empty `layoutClassList` clears a stream's classes.
   *
   * @throws {@link ArgumentError} before any request for a malformed session ID; an empty list or more than
   * 1000 entries; a stream ID that is empty, repeated or over 255 characters; a class name that is empty or
   * contains whitespace; or one stream's classes over 1024 characters joined by spaces.
   *
   * @example
   * ```ts
   * await opentok.streams.setStreamClassLists(sessionId, [
   *   { id: speakerId, layoutClassList: ['focus'] },
   *   { id: listenerId, layoutClassList: [] },
   * ]);
   * ```
   */
  async setStreamClassLists(sessionId: string, classLists: readonly StreamClassList[]): Promise<void> {
    const session = requireSessionId('sessionId', sessionId);
    const json = buildClassListBody(classLists);
    await this.#http.send({
      operation: 'setStreamClassLists',
      method: 'PUT',
      path: this.#streamsPath(session),
      json,
    });
  }

  #streamsPath(sessionId: string): string {
    return `${this.#projectPath}${pathOf('session', sessionId, 'stream')}`;
  }
}
