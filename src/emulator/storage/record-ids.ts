/**
 * The IDs that become file and folder names under the data folder, and the one rule each must pass first, for
 * an ID from a request and for one read back from the state alike.
 */
import { COMPOSED_STREAM_ID } from '../../protocol/media-upload';
import type { ArchiveFile } from './records';

/** Archive, stream and connection IDs that become path segments. */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A session ID in the platform's alphabet (`1_` and base64url, docs/platform.md §3), short enough to be a file
 * name with room for a temp suffix.
 */
export const SESSION_ID_PATTERN = /^\d_[A-Za-z0-9_-]{1,200}$/;

/** An upload's key: the stream ID, or `composed~<connectionId>` for a recorder of a composed archive. */
const UPLOAD_KEY_PATTERN = new RegExp(`^(${COMPOSED_STREAM_ID}~)?[A-Za-z0-9_-]{1,64}$`);

/** `<archiveId>.zip` or `<archiveId>.webm`: the only names an archive file has. */
const ARCHIVE_FILE_PATTERN = /^([A-Za-z0-9_-]{1,64})\.(zip|webm)$/;

export function isSafeId(value: string): boolean {
  return SAFE_ID_PATTERN.test(value);
}

export function isUploadKey(value: string): boolean {
  return UPLOAD_KEY_PATTERN.test(value);
}

/** The file name an archive's assembled file has. */
export function archiveFileName(archiveId: string, contentType: ArchiveFile['contentType']): string {
  return `${archiveId}.${contentType === 'application/zip' ? 'zip' : 'webm'}`;
}

/** The archive ID an archive file name belongs to, or null for a name no archive file has. */
export function archiveIdOfFileName(fileName: string): string | null {
  return ARCHIVE_FILE_PATTERN.exec(fileName)?.[1] ?? null;
}
