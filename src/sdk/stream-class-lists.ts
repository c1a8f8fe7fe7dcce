/** The body of a class-list change, built from checked stream IDs and class names (no request is sent here). */
import { ArgumentError } from './errors';
import type { StreamClassList } from './stream-types';
import { MAX_LAYOUT_CLASS_LIST_CHARS } from './token-request';
import { requireNonEmptyString } from './validation';

/**
 * Streams per call. The platform documents no bound; this one is the SDK's own, far above what one session
 * publishes in practice, so that a runaway loop fails here instead of sending megabytes.
 */
export const MAX_CLASS_LIST_ITEMS = 1000;
/** Length of a stream ID. Stream IDs are UUIDs (36 characters); the bound is the SDK's own. */
export const MAX_STREAM_ID_CHARS = 255;

/** Requires a stream ID: a non-empty string of at most {@link MAX_STREAM_ID_CHARS} characters. */
export function requireStreamId(name: string, value: unknown): string {
  const id = requireNonEmptyString(name, value);
  if (id.length > MAX_STREAM_ID_CHARS) {
    throw new ArgumentError({
      message: `${name} must be at most ${MAX_STREAM_ID_CHARS} characters (got ${id.length})`,
    });
  }
  return id;
}

/**
 * Checks one stream's classes. Each name must be non-empty and free of whitespace: the platform applies them
 * as CSS classes, and a client token carries the same list space-separated (docs/platform.md §4.1), so a
 * space would split one name into two. The list, joined by spaces, keeps opentok-node's token bound of
 * {@link MAX_LAYOUT_CLASS_LIST_CHARS} characters; the platform documents none for this call.
 */
function readClassList(name: string, value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new ArgumentError({
      message: `${name} must be an array of class names such as ['focus'] ([] clears the classes)`,
    });
  }
  const classes = value.map((entry: unknown, index) => {
    const className = requireNonEmptyString(`${name}[${index}]`, entry);
    if (/\s/.test(className)) {
      throw new ArgumentError({
        message: `${name}[${index}] must be one class name without spaces (give each class its own entry)`,
      });
    }
    return className;
  });
  const joinedLength = classes.join(' ').length;
  if (joinedLength > MAX_LAYOUT_CLASS_LIST_CHARS) {
    throw new ArgumentError({
      message: `${name} must be at most ${MAX_LAYOUT_CLASS_LIST_CHARS} characters with its names joined by spaces (got ${joinedLength})`,
    });
  }
  return classes;
}

/** Builds `{ items: [{ id, layoutClassList }] }`, the body every official SDK sends (docs/platform.md §5.7). */
export function buildClassListBody(items: unknown): {
  items: Array<{ id: string; layoutClassList: string[] }>;
} {
  if (!Array.isArray(items) || items.length === 0) {
    throw new ArgumentError({
      message: "classLists must be a non-empty array such as [{ id: streamId, layoutClassList: ['focus'] }]",
    });
  }
  if (items.length > MAX_CLASS_LIST_ITEMS) {
    throw new ArgumentError({
      message: `classLists must have at most ${MAX_CLASS_LIST_ITEMS} entries (got ${items.length})`,
    });
  }
  const seen = new Set<string>();
  return {
    items: items.map((item: unknown, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new ArgumentError({
          message: `classLists[${index}] must be an object { id, layoutClassList }`,
        });
      }
      const entry = item as Partial<StreamClassList>;
      const id = requireStreamId(`classLists[${index}].id`, entry.id);
      // What the platform does with two entries for one stream is not documented.
      if (seen.has(id)) {
        throw new ArgumentError({
          message: `classLists[${index}].id repeats stream ${id}: give each stream one entry`,
        });
      }
      seen.add(id);
      return {
        id,
        layoutClassList: readClassList(`classLists[${index}].layoutClassList`, entry.layoutClassList),
      };
    }),
  };
}
