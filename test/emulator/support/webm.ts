/** Builds EBML elements for WebM tests and reads a file's Segment Info Duration, independently of the emulator. */

export function uintBytes(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
}

function idBytes(id: number): Buffer {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  return uintBytes(id, length);
}

function sizeVint(size: number, length: number): Buffer {
  if (size >= 2 ** (7 * length) - 1) throw new Error(`size ${size} does not fit ${length} bytes`);
  const out = Buffer.alloc(length);
  let rest = size;
  for (let i = length - 1; i >= 0; i -= 1) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  out[0] = (out[0] as number) | (0x80 >> (length - 1));
  return out;
}

/** An element with the shortest size vint that holds its body. */
export function ebml(id: number, ...body: Buffer[]): Buffer {
  const data = Buffer.concat(body);
  let length = 1;
  while (data.length >= 2 ** (7 * length) - 1) length += 1;
  return Buffer.concat([idBytes(id), sizeVint(data.length, length), data]);
}

/** An element whose size vint has `sizeBytes` bytes, as muxers that patch sizes later write them. */
export function ebmlSized(id: number, sizeBytes: number, ...body: Buffer[]): Buffer {
  const data = Buffer.concat(body);
  return Buffer.concat([idBytes(id), sizeVint(data.length, sizeBytes), data]);
}

/** An element of "unknown" size, as MediaRecorder writes its Segment and Clusters. */
export function unknownSize(id: number, ...body: Buffer[]): Buffer {
  return Buffer.concat([idBytes(id), Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), ...body]);
}

function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number } {
  const first = bytes[at] ?? 0;
  let length = 1;
  while (length <= 8 && !(first & (0x100 >> length))) length += 1;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i += 1) value = value * 256 + (bytes[at + i] ?? 0);
  return { value, length };
}

/** The Duration of the file's Segment Info, or null when it has none. */
export function readInfoDuration(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number) => {
    const id = readVint(bytes, at, true);
    const size = readVint(bytes, at + id.length, false);
    return { id: id.value, size: size.value, body: at + id.length + size.length };
  };
  const ebmlHeader = header(0);
  const segment = header(ebmlHeader.body + ebmlHeader.size);
  for (let at = segment.body; at < bytes.length;) {
    const child = header(at);
    if (child.id === 0x1549a966) {
      for (let inner = child.body; inner < child.body + child.size;) {
        const element = header(inner);
        if (element.id === 0x4489) {
          return element.size === 4 ? view.getFloat32(element.body) : view.getFloat64(element.body);
        }
        inner = element.body + element.size;
      }
      return null;
    }
    at = child.body + child.size;
  }
  return null;
}
