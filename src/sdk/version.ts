/** The SDK's own version, sent in the User-Agent of every request. */

/**
 * Version of opentok-ts-sdk.
 *
 * @example
 * ```ts
 * console.log(`using opentok-ts-sdk ${SDK_VERSION}`);
 * ```
 */
export const SDK_VERSION = '1.0.0';

/** User-Agent header value: names the SDK and its version, as every official SDK does (docs/platform.md §1.2). */
export const USER_AGENT = `opentok-ts-sdk/${SDK_VERSION}`;
