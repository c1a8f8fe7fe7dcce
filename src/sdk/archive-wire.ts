/** Archive JSON as the platform sends it: its type, the shape check of a reply, readers of loose fields. */
import { ARCHIVE_STATUSES, type ArchiveTranscriptionProperties } from './archive-types';
import { unexpectedShape, type HttpReply } from './http';

/**
 * Archive JSON as the platform sends it; unknown properties are kept and ignored.
 *
 * @example
 * ```ts
 * const json: ArchiveWire = archive.toJSON();
 * ```
 */
export interface ArchiveWire {
  /** Archive ID. */
  id: string;
  /** One of {@link ArchiveStatus}. */
  status: string;
  /** The recorded session. */
  sessionId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Every other property, as sent. */
  [property: string]: unknown;
}

/** Checks the few properties an Archive cannot do without. */
export function readArchiveWire(value: unknown, reply: HttpReply): ArchiveWire {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unexpectedShape(reply, 'expected an archive object');
  }
  const wire = value as Record<string, unknown>;
  if (typeof wire.id !== 'string' || wire.id === '') throw unexpectedShape(reply, 'archive without an id');
  if (typeof wire.status !== 'string' || !(ARCHIVE_STATUSES as readonly string[]).includes(wire.status)) {
    throw unexpectedShape(reply, `unknown archive status ${JSON.stringify(wire.status)}`);
  }
  if (typeof wire.sessionId !== 'string') throw unexpectedShape(reply, 'archive without a sessionId');
  if (typeof wire.createdAt !== 'number') throw unexpectedShape(reply, 'archive without a numeric createdAt');
  return wire as ArchiveWire;
}

// Readers that keep a property of the expected type and fall back for anything else, so that one odd
// field never makes a whole archive unreadable.
export function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
export function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
export function booleanOr<T>(value: unknown, fallback: T): boolean | T {
  return typeof value === 'boolean' ? value : fallback;
}
export function idOr(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
export function transcriptionPropertiesOr(value: unknown): ArchiveTranscriptionProperties | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { primaryLanguageCode, hasSummary } = value as Record<string, unknown>;
  const properties: ArchiveTranscriptionProperties = {};
  if (typeof primaryLanguageCode === 'string') properties.primaryLanguageCode = primaryLanguageCode;
  if (typeof hasSummary === 'boolean') properties.hasSummary = hasSummary;
  return properties;
}
