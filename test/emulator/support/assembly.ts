/** The emulator's archive assembly over a given store and media folder, built as a start builds it. */
import { createArchiveAssembly } from '../../../src/emulator/archives/archive-assembly';
import { createArchiveRecords } from '../../../src/emulator/archives/archive-records';
import { createPresenceRegistry } from '../../../src/emulator/realtime/presence-registry';
import type { StateStore } from '../../../src/emulator/storage/state-store';

type AssemblyDeps = Parameters<typeof createArchiveAssembly>[0];

export function createTestAssembly(
  deps: { store: StateStore } & Pick<AssemblyDeps, 'media' | 'retryDelays' | 'clock' | 'logger'>,
): ReturnType<typeof createArchiveAssembly> {
  const records = createArchiveRecords({ store: deps.store, logger: deps.logger });
  return createArchiveAssembly({
    records,
    media: deps.media,
    presence: createPresenceRegistry(),
    finishDeadlineMs: 30_000,
    retryDelays: deps.retryDelays,
    clock: deps.clock,
    logger: deps.logger,
  });
}
