/** Launches Debian's Chromium through playwright-core with fake camera/microphone and loopback-only WebRTC. */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_ARGS = [
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

/**
 * `grantMedia: false` leaves out --use-fake-ui-for-media-stream: the camera prompt then cannot be
 * answered, which headless Chromium reports to the page as a refusal (NotAllowedError).
 */
export function chromiumArgs(options: { grantMedia?: boolean } = {}): string[] {
  return options.grantMedia === false ? BASE_ARGS : [...BASE_ARGS, '--use-fake-ui-for-media-stream'];
}

export function launchChromium(options: { grantMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(options),
    timeout: 30_000,
  });
}
