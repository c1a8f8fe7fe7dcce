/**
 * Gives a MediaRecorder WebM the Duration it lacks. A recorder writes the file's head before it knows how long
 * the recording will be, so its Segment Info has no Duration: browsers then show no length and cannot seek.
 * The duration is read from the media itself (WebmDurationScanner) and written into the head (addDurationToHead).
 *
 * Layout (Matroska, https://www.matroska.org/technical/elements.html): elements are an ID and a size, both
 * EBML variable-length integers, then the body. Chrome and Firefox write the Segment and each Cluster with an
 * "unknown" size and no SeekHead or Cues, so the file is read as a flat run of elements: the masters that hold
 * blocks (Segment, Cluster, BlockGroup) are entered, every other element is skipped by its size, and no frame
 * is decoded. Nothing here recurses: an upload is a stranger's bytes, so every walk keeps its own stack and
 * stops at a depth and an element count no real recording comes near, leaving such a file as it came.
 * One cohesive parser, kept in one file: the scanner and the head rewrite share the element reading and limits.
 */

const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  seekHead: 0x114d9b74,
  seek: 0x4dbb,
  seekPosition: 0x53ac,
  info: 0x1549a966,
  duration: 0x4489,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  blockDuration: 0x9b,
  cues: 0x1c53bb6b,
} as const;

/** Masters whose children are read; everything else is passed over by its size. */
const ENTERED = new Set<number>([ID.segment, ID.cluster, ID.blockGroup]);

/** Duration element: 2-byte ID, 1-byte size (8), a big-endian float64. */
const DURATION_ELEMENT_BYTES = 11;

interface ElementHeader {
  id: number;
  /** null for the reserved "unknown size" (all value bits set) */
  size: number | null;
  headerBytes: number;
  sizeOffset: number;
  sizeBytes: number;
}

const INCOMPLETE = 'incomplete';
const INVALID = 'invalid';

/** Length of the vint starting with `first`: one more than its leading zero bits; 0 when over `max`. */
function vintLength(first: number, max: number): number {
  for (let length = 1; length <= max; length += 1) {
    if (first & (0x100 >> length)) return length;
  }
  return 0;
}

/** Reads an unsigned vint value (marker bit removed); null when it is all ones (the reserved "unknown"). */
function readVintValue(bytes: Uint8Array, offset: number, length: number): number | null {
  let value = (bytes[offset] as number) & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i += 1) {
    const byte = bytes[offset + i] as number;
    allOnes &&= byte === 0xff;
    value = value * 256 + byte;
  }
  return allOnes ? null : value;
}

function readHeader(bytes: Uint8Array, offset: number): ElementHeader | typeof INCOMPLETE | typeof INVALID {
  if (offset >= bytes.length) return INCOMPLETE;
  const idBytes = vintLength(bytes[offset] as number, 4);
  if (idBytes === 0) return INVALID;
  const sizeOffset = offset + idBytes;
  if (sizeOffset >= bytes.length) return INCOMPLETE;
  const sizeBytes = vintLength(bytes[sizeOffset] as number, 8);
  if (sizeBytes === 0) return INVALID;
  if (sizeOffset + sizeBytes > bytes.length) return INCOMPLETE;
  let id = 0;
  for (let i = 0; i < idBytes; i += 1) id = id * 256 + (bytes[offset + i] as number);
  const size = readVintValue(bytes, sizeOffset, sizeBytes);
  if (size !== null && size > Number.MAX_SAFE_INTEGER) return INVALID;
  return { id, size, headerBytes: idBytes + sizeBytes, sizeOffset, sizeBytes };
}

function readUint(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i += 1) value = value * 256 + (bytes[offset + i] as number);
  return value;
}

/** How many leading bytes of a block body carry its track number and timecode. */
function blockPrefixBytes(bytes: Uint8Array, bodyOffset: number): number | typeof INCOMPLETE {
  if (bodyOffset >= bytes.length) return INCOMPLETE;
  const trackBytes = vintLength(bytes[bodyOffset] as number, 8);
  return trackBytes === 0 ? 1 : trackBytes + 2;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Reads a WebM fed in pieces of any size and finds where its media ends: the latest block time (its Cluster's
 * Timecode plus the block's relative timecode, plus BlockDuration when a BlockGroup has one), in TimecodeScale
 * units, which is also the unit of Segment Info's Duration. This is the media's own length; the start and stop
 * offsets a client reports also count the time before MediaRecorder's first frame.
 *
 * Work is proportional to the number of elements, not bytes: block bodies are skipped unread, and only a
 * piece's last few bytes are kept when an element header straddles two pieces.
 */
export class WebmDurationScanner {
  #carry = new Uint8Array(0);
  #skip = 0;
  #started = false;
  #unreadable = false;
  #infoSeen = false;
  #offsetsAfterInfo = false;
  #clusterTime = 0;
  #endTime: number | null = null;
  #groupBlockTime: number | null = null;
  #groupDuration: number | null = null;

  /**
   * Duration in TimecodeScale units, or null when it cannot be written safely: not a WebM, malformed, no
   * blocks, or elements after Info that address bytes by position (SeekHead, Cues), which an insertion
   * would invalidate.
   */
  get duration(): number | null {
    if (this.#unreadable || this.#offsetsAfterInfo || !this.#infoSeen) return null;
    return this.#endTime;
  }

  push(piece: Uint8Array): void {
    if (this.#unreadable) return;
    let data = piece;
    if (this.#skip > 0) {
      const skipped = Math.min(this.#skip, data.length);
      this.#skip -= skipped;
      data = data.subarray(skipped);
    }
    if (this.#carry.length > 0) {
      data = concat(this.#carry, data);
      this.#carry = new Uint8Array(0);
    }
    let offset = 0;
    while (offset < data.length) {
      const header = readHeader(data, offset);
      if (header === INCOMPLETE) break;
      if (header === INVALID) {
        this.#unreadable = true;
        return;
      }
      if (!this.#started) {
        this.#started = true;
        if (header.id !== ID.ebml) {
          this.#unreadable = true;
          return;
        }
      }
      const body = offset + header.headerBytes;
      if (ENTERED.has(header.id)) {
        if (header.id === ID.blockGroup) {
          this.#groupBlockTime = null;
          this.#groupDuration = null;
        }
        offset = body;
        continue;
      }
      // Only the masters entered above may have an unknown size: anything else cannot be skipped.
      if (header.size === null) {
        this.#unreadable = true;
        return;
      }
      if (!this.#readBody(header, data, body)) break;
      if (this.#unreadable) return;
      const end = body + header.size;
      if (end > data.length) {
        this.#skip = end - data.length;
        offset = data.length;
        break;
      }
      offset = end;
    }
    if (offset < data.length) this.#carry = data.slice(offset);
  }

  /** Reads what the duration needs from an element's body; false when those bytes have not arrived yet. */
  #readBody(header: ElementHeader, data: Uint8Array, body: number): boolean {
    const size = header.size ?? 0;
    switch (header.id) {
      case ID.info:
        this.#infoSeen = true;
        return true;
      case ID.seekHead:
      case ID.cues:
        if (this.#infoSeen) this.#offsetsAfterInfo = true;
        return true;
      case ID.timecode:
      case ID.blockDuration: {
        if (size > 8) {
          this.#unreadable = true;
          return true;
        }
        if (body + size > data.length) return false;
        const value = readUint(data, body, size);
        if (header.id === ID.timecode) {
          this.#clusterTime = value;
        } else {
          this.#groupDuration = value;
          this.#noteGroupEnd();
        }
        return true;
      }
      case ID.simpleBlock:
      case ID.block: {
        const prefix = blockPrefixBytes(data, body);
        if (prefix === INCOMPLETE) return false;
        if (prefix < 3 || prefix > size) {
          this.#unreadable = true;
          return true;
        }
        if (body + prefix > data.length) return false;
        const relative =
          (((data[body + prefix - 2] as number) << 24) >> 16) | (data[body + prefix - 1] as number);
        const time = this.#clusterTime + relative;
        if (header.id === ID.block) {
          this.#groupBlockTime = time;
          this.#noteGroupEnd();
        }
        this.#noteEnd(time);
        return true;
      }
      default:
        return true;
    }
  }

  #noteGroupEnd(): void {
    if (this.#groupBlockTime !== null && this.#groupDuration !== null) {
      this.#noteEnd(this.#groupBlockTime + this.#groupDuration);
    }
  }

  #noteEnd(time: number): void {
    if (this.#endTime === null || time > this.#endTime) this.#endTime = time;
  }
}

export type HeadRewrite =
  | { kind: 'rewritten'; bytes: Uint8Array }
  /** the Info element does not end within the bytes given */
  | { kind: 'need-more' }
  | { kind: 'unchanged'; reason: string };

/** Encodes `value` as a size vint of exactly `length` bytes; null when it does not fit. */
function encodeSize(value: number, length: number): Uint8Array | null {
  // All value bits set is the reserved "unknown size", so the largest usable value is one less.
  if (length < 1 || length > 8 || value >= 2 ** (7 * length) - 1) return null;
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i -= 1) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  out[0] = (out[0] as number) | (0x80 >> (length - 1));
  return out;
}

/** The same vint length when the new size fits in it, else the shortest that does. */
function encodeGrownSize(value: number, oldLength: number): Uint8Array | null {
  for (let length = oldLength; length <= 8; length += 1) {
    const encoded = encodeSize(value, length);
    if (encoded) return encoded;
  }
  return null;
}

function writeUint(bytes: Uint8Array, offset: number, length: number, value: number): boolean {
  if (value >= 2 ** (8 * length)) return false;
  let rest = value;
  for (let i = length - 1; i >= 0; i -= 1) {
    bytes[offset + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return true;
}

/**
 * Matroska nests SeekHead > Seek > SeekPosition: a Seek inside a Seek is not a SeekHead to patch. A head
 * (at most MAX_WEBM_HEAD_BYTES, see media) holds a few dozen elements; a file that needs more is not read.
 */
const MAX_SEEK_DEPTH = 2;
const MAX_HEAD_ELEMENTS = 4096;

/** How many more elements a head may have read; shared by every walk over one head. */
interface ElementBudget {
  left: number;
}

/**
 * SeekHead positions count from the Segment's body; those past Info move by `delta`. Patched in `bytes`.
 * Walked with a stack of the open masters' ends, never by recursion, so a crafted file cannot exhaust the
 * call stack; false when the SeekHead is malformed, nested too deep or too large.
 */
function shiftSeekPositions(
  bytes: Uint8Array,
  start: number,
  end: number,
  from: number,
  delta: number,
  budget: ElementBudget,
): boolean {
  const ends = [end];
  let offset = start;
  while (ends.length > 0) {
    const masterEnd = ends[ends.length - 1] as number;
    if (offset === masterEnd) {
      ends.pop();
      continue;
    }
    budget.left -= 1;
    if (budget.left < 0) return false;
    const header = readHeader(bytes, offset);
    if (header === INCOMPLETE || header === INVALID || header.size === null) return false;
    const body = offset + header.headerBytes;
    const elementEnd = body + header.size;
    if (elementEnd > masterEnd) return false;
    if (header.id === ID.seek) {
      if (ends.length >= MAX_SEEK_DEPTH) return false;
      ends.push(elementEnd);
      offset = body;
      continue;
    }
    if (header.id === ID.seekPosition) {
      if (header.size > 8) return false;
      const position = readUint(bytes, body, header.size);
      if (position > from && !writeUint(bytes, body, header.size, position + delta)) return false;
    }
    offset = elementEnd;
  }
  return true;
}

/**
 * Writes a Duration (float64, in TimecodeScale units) into the Segment Info of a WebM whose first bytes are
 * `head`, and returns those bytes rewritten: EBML header, Segment (unknown size as MediaRecorder writes it, or
 * a known size that is enlarged), any SeekHead or Void before Info, then Info with its size grown. `head` may
 * hold more than that; the rest is returned as it was.
 */
export function addDurationToHead(head: Uint8Array, duration: number): HeadRewrite {
  if (!Number.isFinite(duration) || duration < 0) return { kind: 'unchanged', reason: 'no valid duration' };
  const ebml = readHeader(head, 0);
  if (ebml === INCOMPLETE) return { kind: 'need-more' };
  if (ebml === INVALID || ebml.id !== ID.ebml || ebml.size === null) {
    return { kind: 'unchanged', reason: 'not an EBML file' };
  }
  const segmentOffset = ebml.headerBytes + ebml.size;
  const segment = readHeader(head, segmentOffset);
  if (segment === INCOMPLETE) return { kind: 'need-more' };
  if (segment === INVALID || segment.id !== ID.segment) return { kind: 'unchanged', reason: 'no Segment' };
  const segmentBody = segmentOffset + segment.headerBytes;

  const seekHeads: Array<{ start: number; end: number }> = [];
  const budget: ElementBudget = { left: MAX_HEAD_ELEMENTS };
  let offset = segmentBody;
  for (;;) {
    budget.left -= 1;
    if (budget.left < 0) return { kind: 'unchanged', reason: 'too many elements before Info' };
    const child = readHeader(head, offset);
    if (child === INCOMPLETE) return { kind: 'need-more' };
    if (child === INVALID) return { kind: 'unchanged', reason: 'malformed head' };
    if (child.id === ID.cluster) return { kind: 'unchanged', reason: 'no Info before the first Cluster' };
    if (child.size === null) return { kind: 'unchanged', reason: 'malformed head' };
    const body = offset + child.headerBytes;
    const end = body + child.size;
    if (child.id === ID.seekHead) {
      if (end > head.length) return { kind: 'need-more' };
      seekHeads.push({ start: body, end });
    }
    if (child.id !== ID.info) {
      offset = end;
      continue;
    }
    if (end > head.length) return { kind: 'need-more' };
    for (let inner = body; inner < end;) {
      budget.left -= 1;
      if (budget.left < 0) return { kind: 'unchanged', reason: 'too many elements in Info' };
      const element = readHeader(head, inner);
      if (element === INCOMPLETE || element === INVALID || element.size === null) {
        return { kind: 'unchanged', reason: 'malformed Info' };
      }
      if (element.id === ID.duration) return { kind: 'unchanged', reason: 'already has a Duration' };
      inner += element.headerBytes + element.size;
    }
    const size = encodeGrownSize(child.size + DURATION_ELEMENT_BYTES, child.sizeBytes);
    if (!size) return { kind: 'unchanged', reason: 'Info too large' };
    const delta = DURATION_ELEMENT_BYTES + size.length - child.sizeBytes;

    const before = head.slice(0, child.sizeOffset);
    for (const seekHead of seekHeads) {
      if (!shiftSeekPositions(before, seekHead.start, seekHead.end, offset - segmentBody, delta, budget)) {
        return { kind: 'unchanged', reason: 'SeekHead cannot be adjusted' };
      }
    }
    if (segment.size !== null) {
      const grown = encodeSize(segment.size + delta, segment.sizeBytes);
      if (!grown) return { kind: 'unchanged', reason: 'Segment size cannot grow' };
      before.set(grown, segment.sizeOffset);
    }
    const durationElement = new Uint8Array(DURATION_ELEMENT_BYTES);
    durationElement.set([0x44, 0x89, 0x88], 0);
    new DataView(durationElement.buffer).setFloat64(3, duration);

    const out = new Uint8Array(head.length + delta);
    let at = 0;
    for (const part of [before, size, head.subarray(body, end), durationElement, head.subarray(end)]) {
      out.set(part, at);
      at += part.length;
    }
    return { kind: 'rewritten', bytes: out };
  }
}
