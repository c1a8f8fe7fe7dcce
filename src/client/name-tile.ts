/** What a composed recording shows for a stream whose camera is off: the person's name on a dark tile. */

export interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
}

const TILE_COLOUR = '#1f2328';
const TEXT_COLOUR = '#f0f3f6';

/** Draws `name` centred in `cell`, shortened with an ellipsis when it does not fit. */
export function drawNameTile(ctx: CanvasRenderingContext2D, cell: Cell, name: string): void {
  ctx.fillStyle = TILE_COLOUR;
  ctx.fillRect(cell.x, cell.y, cell.width, cell.height);
  const fontPx = Math.max(12, Math.round(Math.min(cell.width, cell.height) / 10));
  ctx.font = `${fontPx}px sans-serif`;
  ctx.fillStyle = TEXT_COLOUR;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const maxWidth = cell.width * 0.9;
  let text = name;
  while (text.length > 1 && ctx.measureText(text).width > maxWidth) text = `${text.slice(0, -2)}…`;
  ctx.fillText(text, cell.x + cell.width / 2, cell.y + cell.height / 2);
}
