/** A fake browser joined to a session of the emulator with a fresh client token, as a page would join it. */
import { FakeBrowser, realtimeUrlOf } from './fake-browser';
import { jwtClientToken, type Project } from './platform-client';

export async function joinSession(
  project: Project,
  sessionId: string,
  token?: Parameters<typeof jwtClientToken>[2],
): Promise<FakeBrowser> {
  return FakeBrowser.join(realtimeUrlOf(project.url), {
    apiKey: project.apiKey,
    sessionId,
    token: await jwtClientToken(project, sessionId, token),
  });
}
