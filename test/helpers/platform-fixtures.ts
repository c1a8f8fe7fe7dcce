/** The test project's credentials and the platform bodies the tests replay (test/fixtures/platform). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Test credentials shared by the official SDKs' test suites (docs/platform.md §1.1). */
export const API_KEY = '123456';
export const API_SECRET = '1234567890abcdef1234567890abcdef1234567890';
/** A session ID of API key 123456 (decodes to 1~123456~~Sat Mar 15 14:42:23 PDT 2014~0.49013025~). */
export const SESSION_ID = '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4';
/** The ID of the archive the healthy fake platform starts. */
export const ARCHIVE_ID = 'b40ef09b-3811-4726-b508-e41a0f96c68f';

/** Reads a recorded body from test/fixtures/platform (recorded platform bodies; docs/platform.md describes each). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'platform', name), 'utf8');
}

/** The platform's JSON for an archive of the test project: a started composed archive unless overridden. */
export function archiveJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ARCHIVE_ID,
    status: 'started',
    name: 'Demo',
    sessionId: SESSION_ID,
    projectId: Number(API_KEY),
    createdAt: 1700000000000,
    duration: 0,
    size: 0,
    outputMode: 'composed',
    hasAudio: true,
    hasVideo: true,
    url: null,
    password: '',
    reason: '',
    ...overrides,
  };
}
