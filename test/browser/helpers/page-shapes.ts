/**
 * The few DOM shapes the in-page functions of the browser tests touch. The test program is compiled
 * without the DOM library (it would retype Node's fetch for every other test), so these stand in for it.
 * In-page functions are serialized into the page, so they cast `globalThis` themselves rather than call a helper.
 */
export interface PageVideo {
  videoWidth: number;
  currentTime: number;
  duration: number;
  muted: boolean;
  preload: string;
  src: string;
  error: { message: string } | null;
  onloadedmetadata: (() => void) | null;
  ondurationchange: (() => void) | null;
  onerror: (() => void) | null;
  onseeked: (() => void) | null;
  getVideoPlaybackQuality(): { totalVideoFrames: number };
  play(): Promise<void>;
  pause(): void;
  /** Chromium only: bytes of audio decoded so far */
  webkitAudioDecodedByteCount?: number;
  remove(): void;
}

export interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(video: PageVideo, x: number, y: number, w: number, h: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

export interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageVideo>;
  createElement(tag: 'video'): PageVideo;
  createElement(tag: 'canvas'): PageCanvas;
  body: { appendChild(node: PageVideo): void };
}

export interface PageGlobals {
  document: PageDocument;
  /** scratch space the polling functions keep between calls */
  __lastSeen?: Map<PageVideo, { time: number; frames: number }>;
}

export interface PageAudioContext {
  decodeAudioData(
    data: ArrayBuffer,
  ): Promise<{ numberOfChannels: number; getChannelData(channel: number): Float32Array }>;
  close(): Promise<void>;
}

export interface PageAudioGlobals {
  AudioContext: new () => PageAudioContext;
}
