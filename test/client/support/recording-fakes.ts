/** Stand-ins shared by the recording tests: a MediaStream of given tracks and the archive being recorded. */
import type { ArchiveInfo, OutputMode } from '../../../src/protocol/realtime';

export class FakeMediaStream<Track = unknown> {
  constructor(private readonly tracks: Track[] = []) {}
  getTracks(): Track[] {
    return this.tracks;
  }
}

/** The archive `a1`, started now, with audio and video. */
export function archiveInfo(outputMode: OutputMode): ArchiveInfo {
  return { id: 'a1', name: null, outputMode, hasAudio: true, hasVideo: true, createdAt: Date.now() };
}
