/** The app's info lines for the archive changes it makes: ID, name and session, never the signed download URL. */
import type { Logger } from 'pino';
import type { Archive } from '../../sdk';

/** After the platform confirmed a start or a stop. */
export function logArchiveChange(logger: Logger, change: 'started' | 'stopped', archive: Archive): void {
  logger.info(
    {
      archiveId: archive.id,
      name: archive.name ?? null,
      sessionId: archive.sessionId,
      outputMode: archive.outputMode,
    },
    `archive ${change}`,
  );
}

/** A delete answers no archive, so the line names the ID the host asked for. */
export function logArchiveDeleted(logger: Logger, archiveId: string): void {
  logger.info({ archiveId }, 'archive deleted');
}
