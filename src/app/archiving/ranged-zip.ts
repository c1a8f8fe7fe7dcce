/**
 * Reads one small entry of a zip behind a URL with HTTP Range requests: the end of the file (where the central
 * directory is), then the entry, never the media files beside it. The only reader of archive files.
 */
import { Readable } from 'node:stream';
import { buffer as readStream } from 'node:stream/consumers';
import { RandomAccessReader, fromRandomAccessReaderPromise, type Entry, type ZipFile } from 'yauzl';

/**
 * What yauzl reads first: the end of central directory record, the longest comment that may follow it, and
 * the zip64 locator that may come before it.
 */
const TAIL_BYTES = 22 + 0xffff + 20;
/** A miss reads at least this much, so a local header, its name and a small entry come in one request. */
const BLOCK_BYTES = 64 * 1024;

export interface RangedZipOptions {
  url: string;
  entryName: string;
  /** The entry is refused above this size, compressed or not. */
  maxEntryBytes: number;
  /** Entries of the central directory read before giving up on finding the one named. */
  maxEntries?: number;
  /** Covers every request of the read, bodies included. */
  timeoutMs?: number;
  /** Requests and bytes transferred, at most, for the whole read. */
  maxRequests?: number;
  maxBytes?: number;
  fetch?: typeof fetch;
}

export type ZipReadFailure = 'no-range' | 'not-found' | 'too-large' | 'unreadable' | 'unreachable';

/** Why an entry could not be read; `reason` says whose problem it is. */
export class ZipReadError extends Error {
  override readonly name = 'ZipReadError';
  readonly reason: ZipReadFailure;
  constructor(init: { reason: ZipReadFailure; message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.reason = init.reason;
  }
}

/** A 416 answer to a suffix range, with the file's size from its Content-Range. */
class UnsatisfiableRangeError extends Error {
  override readonly name = 'UnsatisfiableRangeError';
  constructor(readonly totalSize: number) {
    super(`The range asked for lies outside the ${totalSize}-byte file.`);
  }
}

interface Block {
  start: number;
  bytes: Buffer;
}

/** One Range request: `first` to `last` inclusive, or the last `suffix` bytes. */
type ByteRange = { first: number; last: number } | { suffix: number };

/** Returns the entry's bytes, or null when the zip has no entry of that name. */
export async function readZipEntry(options: RangedZipOptions): Promise<Buffer | null> {
  const reader = new HttpRangeReader(options);
  const tail = await reader.fetchTail();
  let zip: ZipFile;
  try {
    zip = await fromRandomAccessReaderPromise(reader, tail.totalSize, {
      lazyEntries: true,
      autoClose: false,
    });
  } catch (error) {
    throw asReadError(error, 'The archive file is not a readable zip.');
  }
  try {
    const entry = await findEntry(zip, options.entryName, options.maxEntries ?? 2000);
    if (!entry) return null;
    if (entry.uncompressedSize > options.maxEntryBytes || entry.compressedSize > options.maxEntryBytes) {
      throw new ZipReadError({
        reason: 'too-large',
        message: `The zip entry ${options.entryName} is larger than ${options.maxEntryBytes} bytes.`,
      });
    }
    const stream = await zip.openReadStreamPromise(entry);
    return await readStream(stream);
  } catch (error) {
    throw asReadError(error, `The zip entry ${options.entryName} could not be read.`);
  } finally {
    zip.close();
  }
}

async function findEntry(zip: ZipFile, name: string, maxEntries: number): Promise<Entry | null> {
  let seen = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName === name) return entry;
    seen += 1;
    if (seen >= maxEntries) break;
  }
  return null;
}

function asReadError(error: unknown, message: string): ZipReadError {
  return error instanceof ZipReadError
    ? error
    : new ZipReadError({ reason: 'unreadable', message, cause: error });
}

/** yauzl's reader over HTTP: every read is served from the blocks fetched so far or fetches a new one. */
class HttpRangeReader extends RandomAccessReader {
  private readonly blocks: Block[] = [];
  private readonly signal: AbortSignal;
  private readonly fetchFn: typeof fetch;
  private requests = 0;
  private bytes = 0;
  private totalSize = 0;

  constructor(private readonly options: RangedZipOptions) {
    super();
    this.signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    this.fetchFn = options.fetch ?? fetch;
  }

  async fetchTail(): Promise<{ totalSize: number }> {
    const { bytes, totalSize } = await this.fetchRange({ suffix: TAIL_BYTES }).catch((error: unknown) => {
      // Some servers (Express's send among them) refuse a suffix longer than the file with 416 and its size,
      // where RFC 9110 §14.1.3 would send the whole file; that size gives a range they accept.
      if (!(error instanceof UnsatisfiableRangeError)) throw error;
      if (error.totalSize === 0)
        throw new ZipReadError({ reason: 'unreadable', message: 'The archive file is empty.' });
      return this.fetchRange({ first: Math.max(0, error.totalSize - TAIL_BYTES), last: error.totalSize - 1 });
    });
    this.totalSize = totalSize;
    this.blocks.push({ start: totalSize - bytes.length, bytes });
    return { totalSize };
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.readRange(start, end));
  }

  private async *readRange(start: number, end: number): AsyncGenerator<Buffer> {
    const cached = this.blocks.find((b) => b.start <= start && end <= b.start + b.bytes.length);
    if (cached) {
      yield cached.bytes.subarray(start - cached.start, end - cached.start);
      return;
    }
    const last = Math.min(Math.max(end, start + BLOCK_BYTES), this.totalSize) - 1;
    const { bytes } = await this.fetchRange({ first: start, last });
    if (bytes.length < end - start) {
      throw new ZipReadError({ reason: 'unreadable', message: 'The archive file ended early.' });
    }
    this.blocks.push({ start, bytes });
    yield bytes.subarray(0, end - start);
  }

  private async fetchRange(range: ByteRange): Promise<{ bytes: Buffer; totalSize: number }> {
    const maxRequests = this.options.maxRequests ?? 16;
    const maxBytes = this.options.maxBytes ?? 4 * 1024 * 1024;
    this.requests += 1;
    if (this.requests > maxRequests) {
      throw new ZipReadError({
        reason: 'too-large',
        message: `Reading the zip took over ${maxRequests} requests.`,
      });
    }
    const header = 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.first}-${range.last}`;
    let response: Response;
    try {
      response = await this.fetchFn(this.options.url, { headers: { Range: header }, signal: this.signal });
    } catch (error) {
      throw new ZipReadError({
        reason: 'unreachable',
        message: 'The archive file could not be reached.',
        cause: error,
      });
    }
    const unsatisfiable = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (response.status === 416 && unsatisfiable && 'suffix' in range) {
      await response.body?.cancel();
      throw new UnsatisfiableRangeError(Number(unsatisfiable[1]));
    }
    const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (response.status !== 206 || !contentRange) {
      // A 200 would be the whole file, media included: it is not read.
      await response.body?.cancel();
      throw new ZipReadError({
        reason: response.ok ? 'no-range' : 'unreachable',
        message: `The archive file's storage answered HTTP ${response.status} to a range request.`,
      });
    }
    if ('first' in range && Number(contentRange[1]) !== range.first) {
      await response.body?.cancel();
      throw new ZipReadError({
        reason: 'unreadable',
        message: 'The storage answered another range than asked.',
      });
    }
    const length = Number(contentRange[2]) - Number(contentRange[1]) + 1;
    this.bytes += length;
    if (this.bytes > maxBytes) {
      await response.body?.cancel();
      throw new ZipReadError({
        reason: 'too-large',
        message: `Reading the zip took over ${maxBytes} bytes.`,
      });
    }
    try {
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.length !== length) throw new Error(`expected ${length} bytes, got ${bytes.length}`);
      return { bytes, totalSize: Number(contentRange[3]) };
    } catch (error) {
      throw new ZipReadError({
        reason: 'unreachable',
        message: 'The archive file could not be read to the end.',
        cause: error,
      });
    }
  }
}
