/** Where a composed recording draws each stream, for every layout type, with and without a focused stream. */
import {
  fitInside,
  gridFor,
  placeStreams,
  readFocusRule,
  type LayoutSpec,
  type Placement,
} from '../../src/client/layout-geometry';

const FRAME = { width: 640, height: 480 };

/** Placements by stream index, so a test reads "stream 1 is here" whatever the drawing order. */
function byIndex(placements: Placement[]): Record<number, Placement['rect']> {
  return Object.fromEntries(placements.map((p) => [p.index, p.rect]));
}

const place = (layout: LayoutSpec, classes: string[][]) => byIndex(placeStreams(layout, classes, FRAME));

describe('bestFit', () => {
  it('is a near-square grid in stream order, whatever the classes say', () => {
    expect(gridFor(1)).toEqual({ columns: 1, rows: 1 });
    expect(gridFor(3)).toEqual({ columns: 2, rows: 2 });
    expect(gridFor(5)).toEqual({ columns: 3, rows: 2 });
    expect(place({ type: 'bestFit' }, [[], ['focus']])).toEqual({
      0: { x: 0, y: 0, width: 320, height: 480 },
      1: { x: 320, y: 0, width: 320, height: 480 },
    });
    expect(placeStreams({ type: 'bestFit' }, [], FRAME)).toEqual([]);
  });
});

describe('horizontalPresentation', () => {
  it('draws the focused stream large on top and the others in a row of small tiles below', () => {
    expect(place({ type: 'horizontalPresentation' }, [[], ['focus'], ['speaker']])).toEqual({
      1: { x: 0, y: 0, width: 640, height: 384 },
      0: { x: 0, y: 384, width: 320, height: 96 },
      2: { x: 320, y: 384, width: 320, height: 96 },
    });
  });

  it('makes the first stream large when none has the focus, and one stream fills the frame', () => {
    expect(place({ type: 'horizontalPresentation' }, [[], []])).toEqual({
      0: { x: 0, y: 0, width: 640, height: 384 },
      1: { x: 0, y: 384, width: 640, height: 96 },
    });
    expect(place({ type: 'horizontalPresentation' }, [['focus']])).toEqual({
      0: { x: 0, y: 0, width: 640, height: 480 },
    });
  });

  it('lets two focused streams share the large region', () => {
    expect(place({ type: 'horizontalPresentation' }, [['focus'], [], ['focus']])).toEqual({
      0: { x: 0, y: 0, width: 320, height: 384 },
      2: { x: 320, y: 0, width: 320, height: 384 },
      1: { x: 0, y: 384, width: 640, height: 96 },
    });
  });
});

describe('verticalPresentation', () => {
  it('draws the focused stream large on the left and the others in a column on the right', () => {
    expect(place({ type: 'verticalPresentation' }, [[], [], ['focus']])).toEqual({
      2: { x: 0, y: 0, width: 512, height: 480 },
      0: { x: 512, y: 0, width: 128, height: 240 },
      1: { x: 512, y: 240, width: 128, height: 240 },
    });
  });
});

describe('pip', () => {
  it('fills the frame with the focused stream and insets one other in the bottom-right corner, drawn last', () => {
    const placements = placeStreams({ type: 'pip' }, [[], ['focus'], []], FRAME);
    expect(placements.map((p) => p.index)).toEqual([1, 0]);
    const [full, inset] = placements;
    expect(full?.rect).toEqual({ x: 0, y: 0, width: 640, height: 480 });
    expect(inset?.rect.width).toBe(160);
    expect(inset?.rect.height).toBe(120);
    // In the corner, inside the frame, with a margin.
    const margin = 480 * 0.03;
    expect(inset?.rect.x).toBeCloseTo(640 - 160 - margin);
    expect(inset?.rect.y).toBeCloseTo(480 - 120 - margin);
  });

  it('shows the stream with the class full, or else the first, full frame', () => {
    expect(placeStreams({ type: 'pip' }, [[], ['full']], FRAME).map((p) => p.index)).toEqual([1, 0]);
    expect(placeStreams({ type: 'pip' }, [[], []], FRAME).map((p) => p.index)).toEqual([0, 1]);
  });
});

describe('custom', () => {
  const stylesheet = (css: string): LayoutSpec => ({ type: 'custom', stylesheet: css });

  it("draws the focused stream where the stylesheet's focus rule puts it, the others beside it", () => {
    const layout = stylesheet(
      'stream { float: left; } stream.focus { position: absolute; top: 0; left: 0; width: 75%; height: 100%; }',
    );
    expect(place(layout, [[], ['focus'], []])).toEqual({
      1: { x: 0, y: 0, width: 480, height: 480 },
      0: { x: 480, y: 0, width: 160, height: 240 },
      2: { x: 480, y: 240, width: 160, height: 240 },
    });
  });

  it('puts the others in small tiles along the bottom when the focus fills the frame', () => {
    const layout = stylesheet('.focus { width: 100%; height: 100%; }');
    expect(place(layout, [['focus'], [], []])).toEqual({
      0: { x: 0, y: 0, width: 640, height: 480 },
      1: { x: 0, y: 384, width: 128, height: 96 },
      2: { x: 128, y: 384, width: 128, height: 96 },
    });
  });

  it('falls back to horizontalPresentation without a usable focus rule, and to bestFit without a focus', () => {
    const noRule = stylesheet('stream.instructor { width: 100%; height: 50%; }');
    expect(place(noRule, [[], ['focus']])).toEqual(
      place({ type: 'horizontalPresentation' }, [[], ['focus']]),
    );
    const withRule = stylesheet('stream.focus { width: 50%; height: 50%; }');
    expect(place(withRule, [[], []])).toEqual(place({ type: 'bestFit' }, [[], []]));
  });

  it('reads width, height and position in percent from .focus or stream.focus rules only', () => {
    expect(readFocusRule('stream.focus { width: 50%; height: 25%; right: 0; bottom: 0 }', FRAME)).toEqual({
      x: 320,
      y: 360,
      width: 320,
      height: 120,
    });
    // Later rules win; comments and other selectors are ignored.
    expect(
      readFocusRule(
        '/* .focus { width: 10% } */ .focus, .other { width: 20%; height: 20% } .focus { width: 40% !important; top: 10% }',
        FRAME,
      ),
    ).toEqual({ x: 0, y: 48, width: 256, height: 96 });
    expect(readFocusRule('stream.focused { width: 50%; height: 50% }', FRAME)).toBeNull();
    expect(readFocusRule('stream.focus { width: 320px; height: 240px }', FRAME)).toBeNull();
    expect(readFocusRule('stream.focus { width: 50% }', FRAME)).toBeNull();
  });

  it('keeps up with the frame rate whatever 10,000 characters the host sends as the stylesheet', () => {
    const hostile = ['a'.repeat(10_000), `${'a'.repeat(9_999)}{`, '{'.repeat(10_000), '/*'.repeat(5_000)];
    for (const css of hostile) {
      const started = performance.now();
      // One second of a recording at 15 frames per second.
      for (let frame = 0; frame < 15; frame += 1) place(stylesheet(css), [['focus'], []]);
      expect(performance.now() - started).toBeLessThan(250);
      expect(place(stylesheet(css), [['focus'], []])).toEqual(
        place({ type: 'horizontalPresentation' }, [['focus'], []]),
      );
    }
  });
});

it('letterboxes a stream in its place, centred and never stretched', () => {
  expect(fitInside({ x: 0, y: 0, width: 640, height: 384 }, 640, 480)).toEqual({
    x: 64,
    y: 0,
    width: 512,
    height: 384,
  });
});
