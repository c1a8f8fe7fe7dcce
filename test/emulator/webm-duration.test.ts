/** WebM Duration: read from a recording's blocks in pieces of any size, written into its Segment Info. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addDurationToHead, WebmDurationScanner } from '../../src/emulator/media/webm-duration';
import { ebml, ebmlSized, readInfoDuration, uintBytes, unknownSize } from './support/webm';

const REAL = readFileSync(path.join(__dirname, 'fixtures', 'mediarecorder-vp8-opus.webm'));
/** where the fixture's MediaRecorder cut its dataavailable chunks (fixtures/README.md) */
const REAL_CHUNKS = [2195, 2812, 3608, 419];
const REAL_LAST_BLOCK_MS = 1572;

function scan(bytes: Uint8Array, pieceSize = bytes.length): number | null {
  const scanner = new WebmDurationScanner();
  for (let at = 0; at < bytes.length; at += pieceSize) scanner.push(bytes.subarray(at, at + pieceSize));
  return scanner.duration;
}

function rewritten(head: Uint8Array, duration: number): Uint8Array {
  const result = addDurationToHead(head, duration);
  if (result.kind !== 'rewritten') throw new Error(`not rewritten: ${JSON.stringify(result)}`);
  return result.bytes;
}

// Synthetic files, element by element (IDs from the Matroska specification).
const EBML_HEADER = ebml(0x1a45dfa3, ebml(0x4282, Buffer.from('webm')));
const INFO = ebml(0x1549a966, ebml(0x2ad7b1, uintBytes(1_000_000, 3)), ebml(0x4d80, Buffer.from('test')));
const TRACKS = ebml(0x1654ae6b, ebml(0xae, ebml(0xd7, uintBytes(1, 1))));
const simpleBlock = (track: number, relative: number, payload = 40): Buffer => {
  const body = Buffer.alloc(4 + payload, 0x55);
  body[0] = 0x80 | track;
  body.writeInt16BE(relative, 1);
  body[3] = 0x80;
  return ebml(0xa3, body);
};
const cluster = (timecode: number, ...blocks: Buffer[]): Buffer =>
  unknownSize(0x1f43b675, ebml(0xe7, uintBytes(timecode, 2)), ...blocks);
const segment = (...children: Buffer[]): Buffer => unknownSize(0x18538067, ...children);

describe('WebmDurationScanner', () => {
  it.each([1, 7, 4096, REAL.length])(
    'finds the last block of a real MediaRecorder file fed in %i-byte pieces',
    (pieceSize) => {
      expect(scan(REAL, pieceSize)).toBe(REAL_LAST_BLOCK_MS);
    },
  );

  it('finds it across the chunks the recorder really produced', () => {
    const scanner = new WebmDurationScanner();
    let at = 0;
    for (const length of REAL_CHUNKS) {
      scanner.push(REAL.subarray(at, at + length));
      at += length;
    }
    expect(at).toBe(REAL.length);
    expect(scanner.duration).toBe(REAL_LAST_BLOCK_MS);
  });

  it('takes the latest block time, wherever it lies, with negative block timecodes and BlockDuration', () => {
    const file = Buffer.concat([
      EBML_HEADER,
      segment(
        INFO,
        TRACKS,
        cluster(0, simpleBlock(1, 0), simpleBlock(2, 20), simpleBlock(1, 33)),
        // Audio written after a later video frame, and a block just before its cluster's timecode.
        cluster(1000, simpleBlock(1, -5), simpleBlock(1, 966), simpleBlock(2, 950)),
      ),
    ]);
    expect(scan(file)).toBe(1966);
    const withGroup = Buffer.concat([
      EBML_HEADER,
      segment(
        INFO,
        cluster(2000, ebml(0xa0, ebml(0xa1, simpleBlock(1, 10).subarray(2)), ebml(0x9b, uintBytes(40, 1)))),
      ),
    ]);
    expect(scan(withGroup, 3)).toBe(2050);
  });

  it('gives no duration for bytes that are not a WebM, a file without blocks, or one with Cues', () => {
    expect(scan(Buffer.alloc(5000, 'c0|'))).toBeNull();
    expect(scan(Buffer.concat([EBML_HEADER, segment(INFO, TRACKS)]))).toBeNull();
    const withCues = Buffer.concat([
      EBML_HEADER,
      segment(INFO, cluster(0, simpleBlock(1, 500)), ebml(0x1c53bb6b, Buffer.alloc(8))),
    ]);
    expect(scan(withCues)).toBeNull();
    // A truncated last block (a tab closed mid-chunk) still counts from its header.
    const cut = Buffer.concat([EBML_HEADER, segment(INFO, cluster(0, simpleBlock(1, 700, 4000)))]);
    expect(scan(cut.subarray(0, cut.length - 3000), 512)).toBe(700);
  });
});

describe('addDurationToHead', () => {
  it('inserts a float Duration at the end of Info and grows its size, leaving every other byte alone', () => {
    const out = rewritten(REAL, REAL_LAST_BLOCK_MS);
    expect(out.length).toBe(REAL.length + 11);
    expect(readInfoDuration(out)).toBe(REAL_LAST_BLOCK_MS);
    expect(readInfoDuration(REAL)).toBeNull();
    // The fixture's Info is 5 + 25 bytes at offset 48; its size byte is at 52.
    expect(REAL[52]).toBe(0x80 | 25);
    expect(out[52]).toBe(0x80 | 36);
    expect(Buffer.from(out.subarray(0, 52))).toEqual(REAL.subarray(0, 52));
    expect(Buffer.from(out.subarray(53, 78))).toEqual(REAL.subarray(53, 78));
    expect(Buffer.from(out.subarray(89))).toEqual(REAL.subarray(78));
    // The rewritten file still scans to the same duration.
    expect(scan(out, 100)).toBe(REAL_LAST_BLOCK_MS);
  });

  it('asks for more bytes until Info is complete, then works on just the head', () => {
    expect(addDurationToHead(REAL.subarray(0, 60), 1).kind).toBe('need-more');
    // The fixture's Info ends at byte 78.
    expect(Buffer.from(rewritten(REAL.subarray(0, 78), 1572))).toEqual(
      Buffer.from(rewritten(REAL, 1572).subarray(0, 89)),
    );
  });

  it('moves a longer size vint when Info outgrows one byte', () => {
    const bigInfo = ebml(
      0x1549a966,
      ebml(0x2ad7b1, uintBytes(1_000_000, 3)),
      ebml(0x4d80, Buffer.alloc(110, 'x')),
    );
    expect(bigInfo[4]).toBe(0x80 | 120);
    const file = Buffer.concat([EBML_HEADER, segment(bigInfo, cluster(0, simpleBlock(1, 3)))]);
    const out = rewritten(file, 3);
    expect(out.length).toBe(file.length + 12);
    expect(readInfoDuration(out)).toBe(3);
    expect(scan(out)).toBe(3);
  });

  it('keeps a known Segment size and SeekHead positions true to the shifted elements', () => {
    const seekEntry = (id: number, position: number): Buffer =>
      ebml(0x4dbb, ebml(0x53ab, uintBytes(id, 4)), ebml(0x53ac, uintBytes(position, 2)));
    // SeekHead first, then Info, Tracks and a Cluster; positions count from the Segment's body.
    const seekHeadLength = ebml(0x114d9b74, seekEntry(0x1549a966, 0), seekEntry(0x1654ae6b, 0)).length;
    const clusterBytes = ebml(0x1f43b675, ebml(0xe7, uintBytes(0, 2)), simpleBlock(1, 250));
    const infoAt = seekHeadLength;
    const tracksAt = infoAt + INFO.length;
    const seekHead = ebml(0x114d9b74, seekEntry(0x1549a966, infoAt), seekEntry(0x1654ae6b, tracksAt));
    const body = Buffer.concat([seekHead, INFO, TRACKS, clusterBytes]);
    const file = Buffer.concat([EBML_HEADER, ebmlSized(0x18538067, 8, body)]);
    const out = Buffer.from(rewritten(file, 250));
    expect(readInfoDuration(out)).toBe(250);

    const segmentBody = EBML_HEADER.length + 4 + 8;
    expect(out.readUIntBE(EBML_HEADER.length + 6, 6)).toBe(body.length + 11);
    const positionOf = (id: number): number => {
      const entryAt = out.indexOf(Buffer.concat([Buffer.from([0x53, 0xab, 0x84]), uintBytes(id, 4)]));
      return out.readUInt16BE(entryAt + 7 + 3);
    };
    expect(positionOf(0x1549a966)).toBe(infoAt);
    expect(out.readUInt32BE(segmentBody + positionOf(0x1549a966))).toBe(0x1549a966);
    expect(positionOf(0x1654ae6b)).toBe(tracksAt + 11);
    expect(out.readUInt32BE(segmentBody + positionOf(0x1654ae6b))).toBe(0x1654ae6b);
  });

  it('leaves alone a file that already has a Duration or is not a WebM', () => {
    const once = rewritten(REAL, 1572);
    expect(addDurationToHead(once, 2000)).toEqual({ kind: 'unchanged', reason: 'already has a Duration' });
    expect(addDurationToHead(Buffer.alloc(200, 'c0|'), 1).kind).toBe('unchanged');
    const noInfo = Buffer.concat([EBML_HEADER, segment(cluster(0, simpleBlock(1, 1)))]);
    expect(addDurationToHead(noInfo, 1).kind).toBe('unchanged');
  });
});
