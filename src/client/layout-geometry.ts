/**
 * Where each stream goes on a composed recording's frame for the platform's layout types (docs/platform.md §5.6),
 * and which stream is large: the one with the layout class `focus`. Pure geometry, no DOM.
 */
import type { LayoutType } from '../protocol/realtime';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameSize {
  width: number;
  height: number;
}

/** A layout as the emulator sends it to the recorder. */
export interface LayoutSpec {
  type: LayoutType;
  stylesheet?: string;
}

/** Where the stream at `index` of the input is drawn; placements come in drawing order, overlays last. */
export interface Placement {
  index: number;
  rect: Rect;
}

export const FOCUS_CLASS = 'focus';
/** pip's own class for its full-frame stream (docs/platform.md §5.6); `focus` is taken there as well. */
export const FULL_CLASS = 'full';

/** The large region's share of the frame in the presentation layouts; the small tiles share the rest. */
const LARGE_SHARE = 0.8;
/** The side of a small tile laid over a custom focus that fills the frame, as a share of the frame's side. */
const SMALL_SHARE = 0.2;
/** Picture-in-picture: the small stream's share of each side, and its distance from the frame's edges. */
const PIP_SHARE = 0.25;
const PIP_MARGIN_SHARE = 0.03;
/** A strip beside a custom focus rectangle narrower than this share of the frame holds no tiles. */
const MIN_STRIP_SHARE = 0.1;

/** Smallest near-square grid holding `count` cells: 1→1×1, 2→2×1, 3–4→2×2, 5–6→3×2, … */
export function gridFor(count: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  return { columns, rows };
}

/** `count` equal cells filling `area` as a near-square grid, row by row. */
export function gridCells(area: Rect, count: number): Rect[] {
  const { columns, rows } = gridFor(count);
  const width = area.width / columns;
  const height = area.height / rows;
  return Array.from({ length: count }, (_, i) => ({
    x: area.x + (i % columns) * width,
    y: area.y + Math.floor(i / columns) * height,
    width,
    height,
  }));
}

/** `count` equal cells side by side (`row`) or one above the other (`column`). */
function lineCells(area: Rect, count: number, direction: 'row' | 'column'): Rect[] {
  return Array.from({ length: count }, (_, i) =>
    direction === 'row'
      ? { x: area.x + (i * area.width) / count, y: area.y, width: area.width / count, height: area.height }
      : { x: area.x, y: area.y + (i * area.height) / count, width: area.width, height: area.height / count },
  );
}

/**
 * The streams to draw large, by index: those with one of `largeClasses`; with none, the first stream, as the
 * presentation layouts do.
 */
export function focusedIndexes(
  classes: readonly (readonly string[])[],
  largeClasses: readonly string[] = [FOCUS_CLASS],
): number[] {
  const focused = classes.flatMap((list, i) => (list.some((c) => largeClasses.includes(c)) ? [i] : []));
  return focused.length > 0 || classes.length === 0 ? focused : [0];
}

/** The large streams share `large` as a grid and the others `small`, one line of tiles. */
function presentation(
  count: number,
  focused: readonly number[],
  large: Rect,
  small: Rect,
  direction: 'row' | 'column',
): Placement[] {
  const others = range(count).filter((i) => !focused.includes(i));
  // Nobody else: the large streams take the whole frame.
  const largeArea = others.length === 0 ? union(large, small) : large;
  return [
    ...place(focused, gridCells(largeArea, focused.length)),
    ...place(others, lineCells(small, others.length, direction)),
  ];
}

function horizontalPresentation(count: number, focused: readonly number[], frame: FrameSize): Placement[] {
  const largeHeight = frame.height * LARGE_SHARE;
  return presentation(
    count,
    focused,
    { x: 0, y: 0, width: frame.width, height: largeHeight },
    { x: 0, y: largeHeight, width: frame.width, height: frame.height - largeHeight },
    'row',
  );
}

function verticalPresentation(count: number, focused: readonly number[], frame: FrameSize): Placement[] {
  const largeWidth = frame.width * LARGE_SHARE;
  return presentation(
    count,
    focused,
    { x: 0, y: 0, width: largeWidth, height: frame.height },
    { x: largeWidth, y: 0, width: frame.width - largeWidth, height: frame.height },
    'column',
  );
}

/** The first large stream fills the frame; the first other one sits small in the bottom-right corner. */
function pip(count: number, focused: readonly number[], frame: FrameSize): Placement[] {
  const [full] = focused;
  if (full === undefined) return [];
  const inset = range(count).find((i) => i !== full);
  const placements: Placement[] = [{ index: full, rect: { x: 0, y: 0, ...frame } }];
  if (inset !== undefined) {
    const width = frame.width * PIP_SHARE;
    const height = frame.height * PIP_SHARE;
    const margin = Math.min(frame.width, frame.height) * PIP_MARGIN_SHARE;
    placements.push({
      index: inset,
      rect: { x: frame.width - width - margin, y: frame.height - height - margin, width, height },
    });
  }
  return placements;
}

/**
 * A custom stylesheet's rule for the focus class, as a rectangle of the frame: the supported case is a rule whose
 * selector is `.focus` or `stream.focus` giving `width` and `height` in percent, with `top`/`left` (or
 * `bottom`/`right`) in percent or 0. Null when the stylesheet has no such rule.
 */
export function readFocusRule(stylesheet: string, frame: FrameSize): Rect | null {
  const withoutComments = stylesheet.replace(/\/\*[\s\S]*?\*\//g, '');
  const found: Record<string, number> = {};
  for (const [selectorText, declarations] of readRules(withoutComments)) {
    const selectors = selectorText.split(',').map((s) => s.trim());
    if (!selectors.some((s) => s === '.focus' || s === 'stream.focus')) continue;
    // Later rules win, as in CSS.
    Object.assign(found, readPercentages(declarations));
  }
  const { width, height, top, left, right, bottom } = found;
  if (width === undefined || height === undefined || width <= 0 || height <= 0) return null;
  const w = Math.min(width, 100);
  const h = Math.min(height, 100);
  const x = clamp(left ?? (right === undefined ? 0 : 100 - right - w), 0, 100 - w);
  const y = clamp(top ?? (bottom === undefined ? 0 : 100 - bottom - h), 0, 100 - h);
  return {
    x: (x / 100) * frame.width,
    y: (y / 100) * frame.height,
    width: (w / 100) * frame.width,
    height: (h / 100) * frame.height,
  };
}

/**
 * The rules of a stylesheet without nesting, as [selectors, declarations], in order. Read by splitting rather
 * than by a regular expression: the host may send up to 10,000 characters of anything, this runs on every frame,
 * and a pattern that backtracks took tens of milliseconds a frame on text with no braces.
 */
function readRules(css: string): [string, string][] {
  const rules: [string, string][] = [];
  const chunks = css.split('}');
  // What follows the last `}` closes no rule.
  chunks.pop();
  for (const chunk of chunks) {
    const open = chunk.lastIndexOf('{');
    if (open < 0) continue;
    const head = chunk.slice(0, open);
    const selectors = head.slice(head.lastIndexOf('{') + 1);
    if (selectors.trim() !== '') rules.push([selectors, chunk.slice(open + 1)]);
  }
  return rules;
}

const POSITION_PROPERTIES = new Set(['width', 'height', 'top', 'left', 'right', 'bottom']);

/** The declarations of one rule that give a size or position in percent (or 0), as numbers. */
function readPercentages(declarations: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const declaration of declarations.split(';')) {
    const [name = '', value = ''] = declaration.split(':').map((part) => part.trim().toLowerCase());
    if (!POSITION_PROPERTIES.has(name)) continue;
    const match = /^(-?\d+(?:\.\d+)?)(%?)$/.exec(value.replace(/\s*!important$/, ''));
    if (match && (match[2] === '%' || Number(match[1]) === 0)) values[name] = Number(match[1]);
  }
  return values;
}

/**
 * Custom: the focused streams share the focus rule's rectangle, and the others a line of tiles along the largest
 * strip of the frame beside it; when the focus leaves no strip, the others are a row of small tiles over its bottom.
 */
function custom(count: number, focused: readonly number[], focusRect: Rect, frame: FrameSize): Placement[] {
  const others = range(count).filter((i) => !focused.includes(i));
  const right = focusRect.x + focusRect.width;
  const below = focusRect.y + focusRect.height;
  const strips: Rect[] = [
    { x: 0, y: 0, width: focusRect.x, height: frame.height },
    { x: right, y: 0, width: frame.width - right, height: frame.height },
    { x: 0, y: 0, width: frame.width, height: focusRect.y },
    { x: 0, y: below, width: frame.width, height: frame.height - below },
  ].filter((s) => s.width >= frame.width * MIN_STRIP_SHARE && s.height >= frame.height * MIN_STRIP_SHARE);
  const widest = strips.sort((a, b) => b.width * b.height - a.width * a.height)[0];
  const tileHeight = frame.height * SMALL_SHARE;
  const overlay: Rect = {
    x: 0,
    y: frame.height - tileHeight,
    width: Math.min(frame.width, others.length * frame.width * SMALL_SHARE),
    height: tileHeight,
  };
  return [
    ...place(focused, gridCells(focusRect, focused.length)),
    ...place(
      others,
      lineCells(widest ?? overlay, others.length, widest && widest.height > widest.width ? 'column' : 'row'),
    ),
  ];
}

/**
 * Places `classes.length` streams (each given by its layout classes, in the recording's order) on the frame.
 * bestFit is a near-square grid; the presentation layouts and pip draw the focused streams large (the first
 * stream when none has the focus; pip takes the class `full` as well); custom reads the focus rule of its stylesheet (see readFocusRule) and
 * without one draws bestFit, or horizontalPresentation when a stream has the focus.
 */
export function placeStreams(
  layout: LayoutSpec,
  classes: readonly (readonly string[])[],
  frame: FrameSize,
): Placement[] {
  const count = classes.length;
  if (count === 0) return [];
  const focused = focusedIndexes(classes);
  const bestFit = (): Placement[] => place(range(count), gridCells({ x: 0, y: 0, ...frame }, count));
  switch (layout.type) {
    case 'bestFit':
      return bestFit();
    case 'horizontalPresentation':
      return horizontalPresentation(count, focused, frame);
    case 'verticalPresentation':
      return verticalPresentation(count, focused, frame);
    case 'pip':
      return pip(count, focusedIndexes(classes, [FULL_CLASS, FOCUS_CLASS]), frame);
    case 'custom': {
      const anyFocus = classes.some((list) => list.includes(FOCUS_CLASS));
      const focusRect = layout.stylesheet ? readFocusRule(layout.stylesheet, frame) : null;
      if (!anyFocus) return bestFit();
      return focusRect
        ? custom(count, focused, focusRect, frame)
        : horizontalPresentation(count, focused, frame);
    }
  }
}

/** Scales a source of `sourceWidth`×`sourceHeight` to fit inside `rect`, centred (letterboxed), never stretched. */
export function fitInside(rect: Rect, sourceWidth: number, sourceHeight: number): Rect {
  const scale = Math.min(rect.width / sourceWidth, rect.height / sourceHeight);
  const width = sourceWidth * scale;
  const height = sourceHeight * scale;
  return { x: rect.x + (rect.width - width) / 2, y: rect.y + (rect.height - height) / 2, width, height };
}

function place(indexes: readonly number[], cells: readonly Rect[]): Placement[] {
  return indexes.flatMap((index, i) => {
    const rect = cells[i];
    return rect ? [{ index, rect }] : [];
  });
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
