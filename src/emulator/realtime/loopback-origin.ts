/** The standalone emulator's default for browser origins allowed to open the realtime WebSocket: this machine's. */

/**
 * True for no Origin (a program, not a page: browsers always send one on a WebSocket) and for an http(s)
 * page on localhost, 127.0.0.0/8 or [::1]. A page on another site that points its own name at this machine
 * (DNS rebinding) sends that name as its Origin and is refused.
 */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const { protocol, hostname } = url;
  return (
    (protocol === 'http:' || protocol === 'https:') &&
    (hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname))
  );
}
