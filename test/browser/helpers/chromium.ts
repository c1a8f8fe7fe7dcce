/** Launches Debian's Chromium through playwright-core with fake camera/microphone and loopback-only WebRTC. */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_BASE_ARGS } from '../../../scripts/chromium-flags';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `grantMedia: false` leaves out --use-fake-ui-for-media-stream: the camera prompt then cannot be
 * answered, which headless Chromium reports to the page as a refusal (NotAllowedError).
 */
export function chromiumArgs(options: { grantMedia?: boolean } = {}): string[] {
  return options.grantMedia === false
    ? [...CHROMIUM_BASE_ARGS]
    : [...CHROMIUM_BASE_ARGS, '--use-fake-ui-for-media-stream'];
}

export function launchChromium(options: { grantMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(options),
    timeout: 30_000,
  });
}
