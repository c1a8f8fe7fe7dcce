/** This client's own streams: publishing one, ending one, and publishing again what a reconnect lost. */
import type { ConnectedMessage, StreamFlag } from '../protocol/realtime';
import type { ArchiveRecording } from './archive-recording';
import { OTError } from './errors';
import type { Publisher } from './publisher';
import type { PublisherPeers } from './publisher-peers';
import type { SessionConnection } from './session-connection';
import { Stream } from './stream';

export interface PublishingOptions {
  link: SessionConnection;
  peers: PublisherPeers;
  recording: ArchiveRecording;
  /** the Session a published Publisher is attached to (its `session`) */
  session: object;
}

export class Publishing {
  readonly #options: PublishingOptions;
  /** by streamId */
  readonly #publishers = new Map<string, Publisher>();

  constructor(options: PublishingOptions) {
    this.#options = options;
  }

  find(streamId: string): Publisher | undefined {
    return this.#publishers.get(streamId);
  }

  publishers(): Publisher[] {
    return [...this.#publishers.values()];
  }

  /** Offers the publisher's media to the session; a publisher already publishing is left as it is. */
  async publish(publisher: Publisher): Promise<void> {
    const { link, recording, session } = this.#options;
    const channel = link.requireConnected();
    if (!link.capabilities.publish) {
      throw new OTError({
        name: 'OT_PERMISSION_DENIED',
        message: 'This token does not allow publishing (its role is subscriber).',
      });
    }
    if (publisher.stream) return;
    const media = await publisher.whenMedia();
    const video = media.getVideoTracks()[0];
    const settings = video?.getSettings();
    const ack = await channel.request({
      type: 'publish',
      stream: {
        name: publisher.properties.name ?? '',
        hasAudio: publisher.sends('hasAudio'),
        hasVideo: publisher.sends('hasVideo'),
        videoType: 'camera',
        videoDimensions: { width: settings?.width ?? 640, height: settings?.height ?? 480 },
        frameRate: Math.round(settings?.frameRate ?? publisher.properties.frameRate ?? 30),
      },
    });
    const connection = link.connection;
    if (!ack.stream || !connection) {
      throw new OTError({
        name: 'OT_UNEXPECTED_SERVER_RESPONSE',
        message: 'The emulator did not return the new stream.',
      });
    }
    const stream = new Stream(ack.stream, connection);
    this.#publishers.set(stream.streamId, publisher);
    publisher.attachStream(stream, session, (flag, value) => this.#sendFlag(stream.streamId, flag, value));
    recording.record(publisher);
    // The page may have muted while the emulator was answering.
    this.#sendChangedFlags(publisher, ack.stream);
  }

  /** The emulator says how an own stream's flag is now: its Stream follows. Returns the change, if there was one. */
  applyFlag(
    streamId: string,
    flag: StreamFlag,
    value: boolean,
  ): { stream: Stream; oldValue: boolean } | null {
    const stream = this.#publishers.get(streamId)?.stream;
    if (!stream || stream[flag] === value) return null;
    const oldValue = stream[flag];
    stream[flag] = value;
    return { stream, oldValue };
  }

  /** After a resume: a mute or unmute the emulator missed while the socket was down is sent again. */
  restoreFlags(connected: ConnectedMessage): void {
    if (!connected.resumed) return;
    for (const info of connected.ownStreams ?? []) {
      const publisher = this.#publishers.get(info.streamId);
      if (publisher) this.#sendChangedFlags(publisher, info);
    }
  }

  #sendChangedFlags(publisher: Publisher, known: Record<StreamFlag, boolean> & { streamId: string }): void {
    for (const flag of ['hasAudio', 'hasVideo'] as const) {
      const value = publisher.sends(flag);
      if (known[flag] !== value) this.#sendFlag(known.streamId, flag, value);
    }
  }

  #sendFlag(streamId: string, flag: StreamFlag, value: boolean): void {
    this.#options.link.channel
      ?.request({ type: 'streamProperty', streamId, property: flag, value })
      .catch((error: unknown) => {
        // While the socket is down the request fails: restoreFlags sends it again after the resume.
        if (error instanceof OTError && error.name === 'OT_NOT_CONNECTED') return;
        console.warn(`OT: could not tell the session about ${flag}`, error);
      });
  }

  unpublish(publisher: Publisher): void {
    const stream = publisher.stream;
    if (!stream) return;
    this.#options.link.channel
      ?.request({ type: 'unpublish', streamId: stream.streamId })
      .catch(() => undefined);
    this.end(stream.streamId, 'unpublished');
  }

  /**
   * Ends an own stream: its peers closed, its recording finished, its publisher told. `keepPublisher` is for a
   * stream lost in a reconnect that is published again at once; `finishRecording: false` for a session that
   * ended, whose recordings were already stopped.
   */
  end(
    streamId: string,
    reason: string,
    options: { finishRecording?: boolean; keepPublisher?: boolean } = {},
  ): void {
    const { finishRecording = true, keepPublisher = false } = options;
    const publisher = this.#publishers.get(streamId);
    this.#publishers.delete(streamId);
    this.#options.peers.closeForStream(streamId);
    this.#options.recording.endStream(streamId, { finish: finishRecording });
    publisher?.detachStream(reason, keepPublisher);
  }

  /** The session ended: every own stream ends with it. */
  endAll(reason: string): void {
    for (const streamId of [...this.#publishers.keys()])
      this.end(streamId, reason, { finishRecording: false });
  }

  /**
   * After a reconnect. A refused resume means a new connection: none of this client's streams survived. A resume
   * reports the streams it kept; one missing there (e.g. removed by the emulator meanwhile) is published again.
   * The others saw those streams end, so they come back as new streams of the same publishers.
   */
  republishLost(connected: ConnectedMessage): void {
    const kept = connected.resumed
      ? new Set((connected.ownStreams ?? []).map((s) => s.streamId))
      : new Set<string>();
    const lost = [...this.#publishers.keys()].filter(
      (id) => connected.resumed === false || (connected.ownStreams !== undefined && !kept.has(id)),
    );
    const publishers = lost.flatMap((id) => {
      const publisher = this.#publishers.get(id);
      return publisher ? [publisher] : [];
    });
    for (const streamId of lost) this.end(streamId, 'networkDisconnected', { keepPublisher: true });
    for (const publisher of publishers) {
      this.publish(publisher).catch((error: unknown) =>
        console.warn('OT: could not publish again after reconnecting', error),
      );
    }
  }
}
