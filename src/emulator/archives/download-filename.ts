/**
 * The Content-Disposition of an archive download: the file is named after the recording and its start,
 * "Team sync-2026-11-12-1403.webm", with an ASCII fallback and RFC 5987 `filename*` for other scripts.
 */
import { create } from 'content-disposition';

const MAX_NAME_CHARS = 80;

/**
 * Characters no file system or header should get from a user's text: controls (CR/LF included), path
 * separators, the characters Windows refuses in file names, and bidi overrides that would make "cod.exe"
 * read as something else.
 */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}/\\:*?"<>|\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

export function createDownloadDisposition(input: {
  name: string | null;
  createdAt: number;
  extension: 'webm' | 'zip';
}): string {
  const base = cleanName(input.name) ?? 'recording';
  const filename = `${base}-${formatStamp(input.createdAt)}.${input.extension}`;
  const asciiBase = toAscii(base) ?? 'recording';
  return create(filename, { fallback: `${asciiBase}-${formatStamp(input.createdAt)}.${input.extension}` });
}

function cleanName(name: string | null): string | null {
  if (!name) return null;
  const text = name.replace(UNSAFE, ' ').replace(/\s+/gu, ' ').trim();
  // Leading dots would hide the file on some systems; trailing ones are dropped by Windows.
  const trimmed = Array.from(text)
    .slice(0, MAX_NAME_CHARS)
    .join('')
    .replace(/^[.\s]+|[.\s]+$/gu, '');
  return trimmed === '' ? null : trimmed;
}

/** Accents dropped ("Café" → "Cafe"), other non-ASCII characters as "_"; null when no letter or digit is left. */
function toAscii(name: string): string | null {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    // A %XX run would be read back as an escape by some clients.
    .replace(/%/g, '_')
    .replace(/_+/g, '_')
    .trim();
  return /[A-Za-z0-9]/.test(ascii) ? ascii : null;
}

/** The start in UTC as "2026-11-12-1403": sorts by time and means the same on every machine. */
function formatStamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
