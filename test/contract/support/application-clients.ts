/** Helpers the contract tests of application mode share: browsers joined with the application's tokens, archive polling. */
import type { Archive, OpenTok } from '../../../src/sdk';
import type { TestEmulator } from '../../helpers/emulator';
import { FakeBrowser, realtimeUrlOf } from '../../emulator/support/fake-browser';

/** A fake browser joined as a page of the application would join; it leaves after each test of the file. */
export function useApplicationBrowsers(
  emulator: () => TestEmulator,
): (sessionId: string, token: string) => Promise<FakeBrowser> {
  const browsers: FakeBrowser[] = [];
  afterEach(() => Promise.all(browsers.splice(0).map((b) => b.leave())));
  return async (sessionId, token) => {
    const emu = emulator();
    const browser = await FakeBrowser.join(realtimeUrlOf(emu.url), {
      apiKey: emu.emulator.applicationId,
      sessionId,
      token,
    });
    browsers.push(browser);
    return browser;
  };
}

/** Polls the archive through the SDK until it reaches `status`, for at most 3 s. */
export async function waitForArchiveStatus(
  opentok: OpenTok,
  id: string,
  status: Archive['status'],
): Promise<Archive> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const archive = await opentok.archives.find(id);
    if (archive.status === status) return archive;
    if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
