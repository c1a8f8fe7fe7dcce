/** Serialises the data a page's script needs into a JSON script block that markup cannot break out of. */

/**
 * JSON.stringify alone would let a "</script>" inside a value close the block; escaping <, > and & as
 * \u escapes keeps the text valid JSON and inert HTML. U+2028/2029 are escaped for old JS parsers.
 */
export function serializePageData(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
