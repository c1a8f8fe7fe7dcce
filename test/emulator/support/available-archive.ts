/** Records an archive on a test emulator and waits until it is available, with a name and connection data. */
import { joinSession } from './join-session';
import { archivePath, createSession, rest, type Project } from './platform-client';
import { finishUpload, putChunk } from './uploads';

export interface AvailableArchive {
  id: string;
  name: string | null;
  createdAt: number;
  url: string;
}

/**
 * One client per `people` entry (its connection data) publishes into a new session; each uploads two fake
 * chunks (the assembly does not read the media) and finishes, the archive stops and becomes available.
 */
export async function recordAvailableArchive(
  project: Project,
  options: { name?: string; outputMode: 'composed' | 'individual'; people?: string[] },
): Promise<AvailableArchive> {
  const sessionId = await createSession(project);
  const people = options.people ?? ['{"name":"Ada"}'];
  const browsers = await Promise.all(people.map((data) => joinSession(project, sessionId, { data })));
  try {
    const streams: string[] = [];
    for (const browser of browsers) streams.push(await browser.publish());
    const body = {
      sessionId,
      outputMode: options.outputMode,
      ...(options.name !== undefined ? { name: options.name } : {}),
    };
    const started = await rest(project, 'POST', archivePath(project), { body });
    if (started.status !== 200) throw new Error(`start answered ${started.status}`);
    const archiveId = (started.body as { id: string }).id;
    const uploads =
      options.outputMode === 'individual'
        ? browsers.map((browser, i) => ({ browser, streamId: streams[i] ?? '' }))
        : [{ browser: browsers[0]!, streamId: 'composed' }];
    if (options.outputMode === 'composed') await browsers[0]!.waitFor((m) => m.type === 'recorderElected');
    for (const [i, { browser, streamId }] of uploads.entries()) {
      for (const seq of [0, 1]) {
        const chunk = Buffer.alloc(700 + 100 * i + seq, `${i}${seq}`);
        const put = await putChunk(project, browser, archiveId, streamId, seq, chunk);
        if (put.status !== 200) throw new Error(`chunk ${seq} answered ${put.status}`);
      }
    }
    await rest(project, 'POST', archivePath(project, `/${archiveId}/stop`));
    for (const [i, { browser, streamId }] of uploads.entries()) {
      await finishUpload(project, browser, archiveId, streamId, {
        startTimeOffset: 500 * i,
        stopTimeOffset: 3000 + 500 * i,
      });
    }
    const deadline = Date.now() + 5000;
    for (;;) {
      const got = await rest(project, 'GET', archivePath(project, `/${archiveId}`));
      const archive = got.body as {
        status: string;
        url: string | null;
        name: string | null;
        createdAt: number;
      };
      if (archive.status === 'available' && archive.url) {
        return { id: archiveId, name: archive.name, createdAt: archive.createdAt, url: archive.url };
      }
      if (Date.now() > deadline) throw new Error(`archive still ${archive.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await Promise.all(browsers.map((browser) => browser.leave()));
  }
}
