/** Questions the browser tests ask a page: is a video really playing, what does the recording show. */
import type { Page } from 'playwright-core';
import type { PageAudioGlobals, PageGlobals, PageVideo } from './page-shapes';

/**
 * Resolves when `count` videos inside `selector` have a decoded frame (videoWidth > 0) and both their
 * currentTime and their count of decoded frames moved forward since the previous poll: pictures are
 * arriving, not just an element showing its last frame.
 */
export async function waitForPlayingVideos(
  page: Page,
  selector: string,
  count: number,
  timeoutMs = 30_000,
): Promise<void> {
  // Progress is measured from this call on, not against what an earlier call saw.
  await page.evaluate(() => {
    delete (globalThis as unknown as PageGlobals).__lastSeen;
  });
  await page.waitForFunction(
    ({ selector, count }) => {
      const g = globalThis as unknown as PageGlobals;
      const videos = Array.from(g.document.querySelectorAll(`${selector} video`)).filter(
        (v) => v.videoWidth > 0,
      );
      if (videos.length < count) return false;
      const last = (g.__lastSeen ??= new Map<PageVideo, { time: number; frames: number }>());
      let advancing = 0;
      for (const video of videos) {
        const now = { time: video.currentTime, frames: video.getVideoPlaybackQuality().totalVideoFrames };
        const before = last.get(video);
        if (before && now.time > before.time && now.frames > before.frames) advancing++;
        last.set(video, now);
      }
      return advancing >= count;
    },
    { selector, count },
    { timeout: timeoutMs, polling: 250 },
  );
}

/**
 * Loads a media file into a <video> in the page and reports the duration the browser learns from its
 * header (the emulator writes one into every WebM, so a player shows the length and can seek; raw
 * MediaRecorder output would report Infinity here), the mean brightness of the left and right halves of the
 * frame in its middle, and how much audio a short playback from there decoded.
 */
export async function measurePlayback(
  page: Page,
  url: string,
): Promise<{
  duration: number;
  videoWidth: number;
  leftBrightness: number;
  rightBrightness: number;
  audioBytes: number;
}> {
  return page.evaluate(async (src) => {
    const document = (globalThis as unknown as PageGlobals).document;
    const video = document.createElement('video');
    video.muted = true;
    video.preload = 'auto';
    document.body.appendChild(video);
    const loaded = new Promise<void>((resolve, reject) => {
      video.onloadedmetadata = () => resolve();
      video.onerror = () =>
        reject(new Error(`the browser could not load ${src}: ${video.error?.message ?? ''}`));
    });
    video.src = src;
    await loaded;
    const duration = video.duration;
    const seeked = new Promise<void>((resolve) => {
      video.onseeked = () => resolve();
    });
    video.currentTime = Number.isFinite(duration) ? duration / 2 : 0;
    await Promise.race([seeked, new Promise((r) => setTimeout(r, 5_000))]);
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx?.drawImage(video, 0, 0, 64, 48);
    const brightness = (x: number): number => {
      const pixels = ctx?.getImageData(x, 0, 32, 48).data ?? [];
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4)
        sum += ((pixels[i] ?? 0) + (pixels[i + 1] ?? 0) + (pixels[i + 2] ?? 0)) / 3;
      return pixels.length ? sum / (pixels.length / 4) : 0;
    };
    // A moment of playback from the middle shows whether the file carries audio.
    await video.play().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 700));
    video.pause();
    const result = {
      audioBytes: video.webkitAudioDecodedByteCount ?? 0,
      duration,
      videoWidth: video.videoWidth,
      leftBrightness: brightness(0),
      rightBrightness: brightness(32),
    };
    video.remove();
    return result;
  }, url);
}

/** Resolves when exactly `count` video elements are inside `selector` (e.g. after someone left). */
export async function waitForVideoCount(
  page: Page,
  selector: string,
  count: number,
  timeoutMs = 15_000,
): Promise<void> {
  await page.waitForFunction(
    ({ selector, count }) =>
      (globalThis as unknown as PageGlobals).document.querySelectorAll(`${selector} video`).length === count,
    { selector, count },
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Decodes a recording's audio in the page and returns its loudest sample (0 = silence, 1 = full scale). */
export async function peakAudioLevel(page: Page, url: string): Promise<number> {
  return page.evaluate(async (src) => {
    const response = await fetch(src);
    const context = new (globalThis as unknown as PageAudioGlobals).AudioContext();
    try {
      const audio = await context.decodeAudioData(await response.arrayBuffer());
      let peak = 0;
      for (let channel = 0; channel < audio.numberOfChannels; channel++) {
        for (const sample of audio.getChannelData(channel)) peak = Math.max(peak, Math.abs(sample));
      }
      return peak;
    } finally {
      await context.close();
    }
  }, url);
}
