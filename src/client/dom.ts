/** Places publisher and subscriber widgets in the page the way OpenTok.js does (insertMode, width, height). */
import { OTError } from './errors';

export type InsertMode = 'replace' | 'after' | 'before' | 'append';

export interface WidgetOptions {
  insertMode?: InsertMode;
  width?: string | number;
  height?: string | number;
  fitMode?: 'cover' | 'contain';
}

export interface Widget {
  element: HTMLDivElement;
  video: HTMLVideoElement;
}

/** OpenTok.js's default widget size. */
const DEFAULT_WIDTH = 264;
const DEFAULT_HEIGHT = 198;

/**
 * OpenTok.js lets the target, the properties or both be left out of initPublisher and subscribe:
 * `(target, props, cb)`, `(props, cb)`, `(target, cb)`, `(cb)`. Sorts the given arguments into their places.
 */
export function sortWidgetArguments<P extends object, C extends (...args: never[]) => unknown>(
  target: HTMLElement | string | P | C | undefined,
  properties: P | C | undefined,
  callback: C | undefined,
): { target: HTMLElement | string | undefined; properties: P | undefined; callback: C | undefined } {
  if (typeof target === 'function') {
    return { target: undefined, properties: undefined, callback: target };
  }
  if (typeof target === 'object' && target !== null && !(target instanceof HTMLElement)) {
    return {
      target: undefined,
      properties: target,
      callback: typeof properties === 'function' ? properties : callback,
    };
  }
  if (typeof properties === 'function') {
    return { target, properties: undefined, callback: properties };
  }
  return { target, properties, callback };
}

export function resolveTarget(target: HTMLElement | string | undefined | null): HTMLElement | null {
  if (target === undefined || target === null) return null;
  if (typeof target === 'string') {
    const element = document.getElementById(target);
    if (!element) {
      throw new OTError({
        name: 'OT_INVALID_PARAMETER',
        message: `No element with id "${target}" to put the video in.`,
      });
    }
    return element;
  }
  return target;
}

/**
 * Builds `<div class="OT_publisher|OT_subscriber OT_root"><video autoplay playsinline></div>` and inserts it.
 * Without a target the widget is appended to <body>, as OpenTok.js does.
 */
export function createWidget(
  kind: 'publisher' | 'subscriber',
  target: HTMLElement | string | undefined | null,
  options: WidgetOptions,
): Widget {
  const targetElement = resolveTarget(target);
  const element = document.createElement('div');
  element.className = `OT_root OT_${kind} OT_fit-mode-${options.fitMode ?? 'cover'}`;
  element.style.width = cssSize(options.width, DEFAULT_WIDTH);
  element.style.height = cssSize(options.height, DEFAULT_HEIGHT);
  element.style.position = 'relative';
  element.style.overflow = 'hidden';

  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  if (kind === 'publisher') {
    // Hearing yourself would echo; the real client mutes its own preview too.
    video.muted = true;
    video.setAttribute('muted', '');
  }
  video.style.width = '100%';
  video.style.height = '100%';
  video.style.objectFit = options.fitMode ?? 'cover';
  element.appendChild(video);

  insert(element, targetElement, options.insertMode ?? 'replace');
  return { element, video };
}

function insert(element: HTMLElement, target: HTMLElement | null, mode: InsertMode): void {
  if (!target) {
    document.body.appendChild(element);
    return;
  }
  switch (mode) {
    case 'append':
      target.appendChild(element);
      return;
    case 'before':
      target.parentNode?.insertBefore(element, target);
      return;
    case 'after':
      target.parentNode?.insertBefore(element, target.nextSibling);
      return;
    case 'replace':
      // The widget takes the target's place and its id, so page CSS aimed at the target still applies.
      if (target.id) element.id = target.id;
      target.replaceWith(element);
      return;
  }
}

function cssSize(value: string | number | undefined, fallbackPx: number): string {
  if (value === undefined || value === '') return `${fallbackPx}px`;
  return typeof value === 'number' ? `${value}px` : value;
}

/** Starts playback; when the browser blocks audible autoplay, plays muted rather than showing nothing. */
export async function playVideo(video: HTMLVideoElement): Promise<'playing' | 'audioBlocked' | 'failed'> {
  try {
    await video.play();
    return 'playing';
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError' && !video.muted) {
      video.muted = true;
      try {
        await video.play();
        return 'audioBlocked';
      } catch {
        return 'failed';
      }
    }
    // AbortError: a newer srcObject or removal interrupted play(); nothing to do.
    return 'failed';
  }
}
