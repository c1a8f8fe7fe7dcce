/** Archive assembly in the background: a failing disk while assembling is logged, never an unhandled rejection. */
import type { MediaFiles } from '../../src/emulator/media/media-files';
import type { ArchiveRecord } from '../../src/emulator/storage/records';
import type { StateStore } from '../../src/emulator/storage/state-store';
import { createLogLines } from '../helpers/log-lines';
import { createTestAssembly } from './support/assembly';
import { stoppedArchive as seedStoppedArchive, uploadRecord } from './support/records';

function stoppedArchive(id: string): ArchiveRecord {
  return seedStoppedArchive({
    id,
    apiKey: 'key',
    sessionId: 'session',
    uploads: {
      s1: uploadRecord('s1', {
        connectionId: 'c1',
        connectionData: '',
        nextSeq: 1,
        bytes: 10,
        stopTimeOffset: 4000,
      }),
    },
  });
}

function setUp(failures: { save?: boolean; removeChunks?: boolean }) {
  const { lines, logger } = createLogLines('error');
  const archives = new Map<string, ArchiveRecord>();
  const store: StateStore = {
    getSession: () => undefined,
    putSession: () => undefined,
    getArchive: (id) => structuredClone(archives.get(id)),
    listArchives: () => [...archives.values()].map((a) => structuredClone(a)),
    putArchive(archive) {
      archives.set(archive.id, structuredClone(archive));
    },
    save: () => (failures.save ? Promise.reject(new Error('disk full')) : Promise.resolve()),
  };
  const media: MediaFiles = {
    removeStaleFiles: () => Promise.resolve(),
    writeChunk: () => Promise.resolve(),
    assemble: (archive) =>
      Promise.resolve({
        file: { fileName: `${archive.id}.zip`, contentType: 'application/zip', size: 10, sha256sum: 'x' },
        failed: [],
      }),
    archiveFilePath: (file) => file.fileName,
    removeChunks: () =>
      failures.removeChunks ? Promise.reject(new Error('permission denied')) : Promise.resolve(),
    removeArchive: () => Promise.resolve(),
    moveUploadsToOrphans: () => Promise.resolve(''),
    sortStoredItems: () => Promise.resolve({ removed: [], orphaned: [], orphansDir: null }),
  };
  const assembly = createTestAssembly({
    store,
    media,
    retryDelays: { firstMs: 1000, maxMs: 60_000 },
    clock: () => 10_000,
    logger,
  });
  return { store, assembly, lines };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
beforeEach(() => unhandled.splice(0));

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('assembly after the last upload finished', () => {
  it.each([
    ['the state cannot be saved', { save: true }],
    ['the upload chunks cannot be removed', { removeChunks: true }],
  ])('logs the error and keeps running when %s', async (_label, failures) => {
    const { store, assembly, lines } = setUp(failures);
    store.putArchive(stoppedArchive('a1'));
    assembly.uploadFinished('a1');
    await settle();
    expect(unhandled).toEqual([]);
    expect(store.getArchive('a1')?.status).toBe('available');
    expect(lines.join('')).toContain('"archiveId":"a1"');
    await assembly.close();
  });
});
