/**
 * The Chromium flags every headless run of the pages needs (the browser tests and `npm run screenshots`): no
 * sandbox, GPU or background traffic, a fake camera and microphone, and WebRTC over loopback, the only network in
 * the namespace these runs use. Callers add --use-fake-ui-for-media-stream to grant the media without a prompt.
 */
export const CHROMIUM_BASE_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];
