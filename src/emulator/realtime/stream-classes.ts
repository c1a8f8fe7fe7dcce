/**
 * Layout classes of streams (docs/platform.md §5.7): the CSS classes a composed archive's layout applies to each
 * stream, such as `focus`. A token carries them space-separated; the REST API sets them as arrays.
 */

/** opentok-node's bound on a token's class list (docs/platform.md §4.1), kept for a REST list joined by spaces. */
export const MAX_CLASS_LIST_CHARS = 1024;
/** Streams per REST call: far above what a session publishes, so a runaway loop is refused, not stored. */
export const MAX_CLASS_LIST_ITEMS = 1000;

/** The classes of a token's `initial_layout_class_list`, e.g. 'focus  full' → ['focus', 'full']. */
export function splitClassList(value: string): string[] {
  return value.split(/\s+/).filter((name) => name !== '');
}
