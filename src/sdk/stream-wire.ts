/** Stream JSON as the platform sends it: its type and the one reading of it into a Stream. */
import { stringOr } from './archive-wire';
import { unexpectedShape, type HttpReply } from './http';
import type { Stream } from './stream-types';

/**
 * Stream JSON as the platform sends it (docs/platform.md §5.7); unknown properties are kept and ignored.
 *
 * @example
 * ```ts
 * const wire: StreamWire = { id: 'b1c5…', videoType: 'camera', name: '', layoutClassList: ['focus'] };
 * ```
 */
export interface StreamWire {
  /** Stream ID. */
  id: string;
  /** `camera` or `screen`. */
  videoType?: unknown;
  /** The publisher's stream name. */
  name?: unknown;
  /** Class names. */
  layoutClassList?: unknown;
  /** Every other property, as sent. */
  [property: string]: unknown;
}

/** Reads one stream; only a missing ID makes it unreadable, every other field falls back. */
export function readStream(value: unknown, reply: HttpReply): Stream {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unexpectedShape(reply, 'expected a stream object');
  }
  const wire = value as StreamWire;
  if (typeof wire.id !== 'string' || wire.id === '') throw unexpectedShape(reply, 'stream without an id');
  const classes = Array.isArray(wire.layoutClassList) ? wire.layoutClassList : [];
  return {
    id: wire.id,
    // opentok-node documents every stream that is not a shared screen as "camera".
    videoType: stringOr(wire.videoType, 'camera'),
    name: stringOr(wire.name, ''),
    layoutClassList: classes.filter((name): name is string => typeof name === 'string'),
  };
}

/** Reads a list reply `{ count, items }`; `count` is not needed, since streams come in one page. */
export function readStreamList(value: unknown, reply: HttpReply): Stream[] {
  const items =
    typeof value === 'object' && value !== null ? (value as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) throw unexpectedShape(reply, 'expected { count, items }');
  return items.map((item) => readStream(item, reply));
}
