/** Connection and Stream objects as OpenTok.js exposes them to pages, built from the realtime wire types. */
import type { ConnectionInfo, StreamInfo } from '../protocol/realtime';

export class Connection {
  readonly connectionId: string;
  readonly creationTime: number;
  readonly data: string;

  constructor(info: ConnectionInfo) {
    this.connectionId = info.connectionId;
    this.creationTime = info.creationTime;
    this.data = info.data;
  }
}

export class Stream {
  readonly streamId: string;
  readonly connection: Connection;
  readonly creationTime: number;
  readonly name: string;
  hasAudio: boolean;
  hasVideo: boolean;
  readonly hasCaptions = false;
  readonly initials = '';
  readonly videoType: 'camera' | 'screen' | 'custom' | undefined;
  videoDimensions: { width: number; height: number };
  readonly frameRate: number;

  constructor(info: StreamInfo, connection: Connection) {
    this.streamId = info.streamId;
    this.connection = connection;
    this.creationTime = info.creationTime;
    this.name = info.name;
    this.hasAudio = info.hasAudio;
    this.hasVideo = info.hasVideo;
    this.videoType = info.videoType;
    this.videoDimensions = { ...info.videoDimensions };
    this.frameRate = info.frameRate;
  }
}
