/** The Archives resource: start, stop, find, list, delete and layout requests, each reply read into an Archive. */
import { Archive } from './archive';
import { buildStartBody, validateLayout } from './archive-start-body';
import type { ArchiveCreateOptions, ArchiveLayout, ArchiveListOptions } from './archive-types';
import { readArchiveWire } from './archive-wire';
import { HttpClient, pathOf, unexpectedShape, type HttpReply, parseJsonReply } from './http';
import { requireNonEmptyString, requirePathId, requireOptionalInteger, requireOptions } from './validation';

/**
 * A page of archives.
 *
 * @example
 * ```ts
 * const { total, items }: ArchiveList = await opentok.archives.all();
 * ```
 */
export interface ArchiveList {
  /** How many archives match in total (not the length of `items`). */
  total: number;
  /** The archives of this page, newest first. */
  items: Archive[];
}

/**
 * Default number of archives per page, the platform's own default.
 *
 * @example
 * ```ts
 * const { items } = await opentok.archives.all(); // items.length <= DEFAULT_LIST_COUNT
 * ```
 */
export const DEFAULT_LIST_COUNT = 50;

/**
 * Archives of the project: start, stop, find, list and delete recordings, and change a recording's layout.
 * Reached through {@link OpenTok.archives}.
 *
 * @example
 * ```ts
 * const archive = await opentok.archives.create(sessionId, { name: 'Team call' });
 * await opentok.archives.stopById(archive.id);
 * ```
 */
export class Archives {
  readonly #http: HttpClient;
  readonly #basePath: string;

  /**
   * Built by {@link OpenTok}; `projectId` is the API key or application ID.
   * @internal
   */
  constructor(http: HttpClient, projectId: string) {
    this.#http = http;
    this.#basePath = `${pathOf('v2', 'project', projectId)}/archive`;
  }

  /**
   * Starts recording a routed session that has connected clients.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.create(sessionId, { name: 'Demo', outputMode: 'composed' });
   * ```
   */
  async create(sessionId: string, options?: ArchiveCreateOptions): Promise<Archive> {
    requireNonEmptyString('sessionId', sessionId);
    const json = buildStartBody(sessionId, requireOptions('options', options));
    return this.#archiveFrom(
      await this.#http.send({ operation: 'startArchive', method: 'POST', path: this.#basePath, json }),
    );
  }

  /**
   * Gets one archive, with a fresh download URL if it is available.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.find('b40ef09b-3811-4726-b508-e41a0f96c68f');
   * ```
   */
  async find(archiveId: string): Promise<Archive> {
    requirePathId('archiveId', archiveId);
    return this.#archiveFrom(
      await this.#http.send({
        operation: 'getArchive',
        method: 'GET',
        path: `${this.#basePath}${pathOf(archiveId)}`,
        archiveId,
      }),
    );
  }

  /**
   * Lists archives, newest first.
   *
   * @example
   * ```ts
   * const { total, items } = await opentok.archives.all({ offset: 0, count: 5 });
   * ```
   */
  async all(listOptions?: ArchiveListOptions): Promise<ArchiveList> {
    const options = requireOptions('options', listOptions);
    const offset = requireOptionalInteger('offset', options.offset, 0, Number.MAX_SAFE_INTEGER);
    const count = requireOptionalInteger('count', options.count, 0, 1000) ?? DEFAULT_LIST_COUNT;
    const sessionId =
      options.sessionId === undefined ? undefined : requireNonEmptyString('sessionId', options.sessionId);
    const reply = await this.#http.send({
      operation: 'listArchives',
      method: 'GET',
      path: this.#basePath,
      query: { offset, count, sessionId },
    });
    const json = parseJsonReply(reply);
    if (typeof json !== 'object' || json === null) throw unexpectedShape(reply, 'expected { count, items }');
    const { count: total, items } = json as { count?: unknown; items?: unknown };
    if (typeof total !== 'number' || !Array.isArray(items))
      throw unexpectedShape(reply, 'expected { count, items }');
    return { total, items: items.map((item) => new Archive(this, readArchiveWire(item, reply))) };
  }

  /**
   * Stops a recording by ID; resolves with the stopped archive.
   *
   * @example
   * ```ts
   * const archive = await opentok.archives.stopById(archiveId);
   * ```
   */
  async stopById(archiveId: string): Promise<Archive> {
    requirePathId('archiveId', archiveId);
    return this.#archiveFrom(
      await this.#http.send({
        operation: 'stopArchive',
        method: 'POST',
        path: `${this.#basePath}${pathOf(archiveId, 'stop')}`,
        archiveId,
      }),
    );
  }

  /**
   * Deletes an archive by ID; allowed once its status is `available` or `uploaded`.
   *
   * @example
   * ```ts
   * await opentok.archives.deleteById(archiveId);
   * ```
   */
  async deleteById(archiveId: string): Promise<void> {
    requirePathId('archiveId', archiveId);
    await this.#http.send({
      operation: 'deleteArchive',
      method: 'DELETE',
      path: `${this.#basePath}${pathOf(archiveId)}`,
      archiveId,
    });
  }

  /**
   * Changes the layout of a composed archive while it records (docs/platform.md §5.6). The checks are those
   * of the start option `layout`: a known type, a stylesheet with `custom` and only with it,
   * `screenshareType` only with `bestFit`.
   *
   * @throws {@link ArgumentError} before any request for an empty archive ID or an invalid layout.
   *
   * @example
   * ```ts
   * await opentok.archives.setLayout(archiveId, { type: 'verticalPresentation' });
   * await opentok.archives.setLayout(archiveId, { type: 'custom', stylesheet: 'stream.focus { width: 100%; }' });
   * ```
   */
  async setLayout(archiveId: string, layout: ArchiveLayout): Promise<void> {
    requirePathId('archiveId', archiveId);
    const json = validateLayout(layout);
    // Ruby and Java expect 200, @vonage/video's tests 204; any 2xx is success and its body is not read.
    await this.#http.send({
      operation: 'setArchiveLayout',
      method: 'PUT',
      path: `${this.#basePath}${pathOf(archiveId, 'layout')}`,
      json,
      archiveId,
    });
  }

  #archiveFrom(reply: HttpReply): Archive {
    return new Archive(this, readArchiveWire(parseJsonReply(reply), reply));
  }
}
