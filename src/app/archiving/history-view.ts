/** View-models for the history page and its JSON refresh: what the template and script show, nothing more. */
import type { Archive } from '../../sdk';
import type { AppMode } from '../config';

export const ARCHIVES_PER_PAGE = 5;

export interface ArchiveRow {
  id: string;
  name: string;
  status: Archive['status'];
  /** The status in words: "Recording", "Processing", "Available"… */
  statusText: string;
  /** ISO 8601; the browser formats it in the viewer's locale and time zone. */
  createdAt: string;
  durationText: string;
  sizeText: string;
  outputMode: Archive['outputMode'];
  /** What kind of file the recording is: "Composed · WebM", "Individual · zip". */
  outputText: string;
  canDownload: boolean;
  /** A composed file the page can play in a <video> element. */
  canPlay: boolean;
  /** An individual archive whose zip manifest lists its streams. */
  canListStreams: boolean;
  canDelete: boolean;
  /** The status will still change (started, paused, stopped), so the page keeps polling. */
  isPending: boolean;
}

export interface HistoryPage {
  page: number;
  lastPage: number;
  total: number;
  rows: ArchiveRow[];
  /** Newer archives exist (page > 1 and not past the end). */
  newerPage?: number;
  olderPage?: number;
  /** The requested page lies past the last archive. */
  isPastEnd: boolean;
  /** Says so in words; the page number itself is left out, since it may be any run of digits. */
  pastEndText: string;
  isPending: boolean;
}

// The platform deletes available, uploaded and already deleted archives (docs/platform.md §5.4). Whether it deletes
// failed ones is not documented: the button is offered so a failed recording can be cleared, and if the platform
// refuses, its 409 reaches the user in words (the local emulator accepts it).
const DELETABLE: ReadonlySet<string> = new Set(['available', 'uploaded', 'deleted', 'failed']);
const STATUS_TEXT: Partial<Record<Archive['status'], string>> = {
  started: 'Recording',
  paused: 'Paused',
  stopped: 'Processing',
  available: 'Available',
  uploaded: 'In your storage',
  expired: 'Expired',
  failed: 'Failed',
  deleted: 'Deleted',
};
const PENDING: ReadonlySet<string> = new Set(['started', 'paused', 'stopped']);

/**
 * The furthest offset the app asks the platform for. Any page beyond it lies past the end of every real
 * project (a billion archives), so it is answered as past the end without multiplying into an unsafe integer.
 */
export const MAX_LISTING_OFFSET = 1_000_000_000;

/**
 * Any positive integer is a page, however large (one past the end shows a link back to the last page); a
 * value that is not one means page 1. Digits beyond what a number holds exactly are read as the largest
 * safe integer, which is past the end all the same.
 */
export function parsePageNumber(value: unknown): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return 1;
  const page = Number(value);
  if (page < 1) return 1;
  return Math.min(page, Number.MAX_SAFE_INTEGER);
}

/** The offset to list the page from; pages beyond MAX_LISTING_OFFSET only learn the total there. */
export function listingOffset(page: number): number {
  return Math.min((page - 1) * ARCHIVES_PER_PAGE, MAX_LISTING_OFFSET);
}

function isBeyondListing(page: number): boolean {
  return (page - 1) * ARCHIVES_PER_PAGE > MAX_LISTING_OFFSET;
}

/**
 * A composed archive is one MP4 on the platform and one WebM from the local emulator; an individual archive is
 * a zip of one file per stream either way (docs/platform.md §7).
 */
export function describeOutput(outputMode: Archive['outputMode'], mode: AppMode): string {
  if (outputMode === 'individual') return 'Individual · zip';
  return mode === 'local' ? 'Composed · WebM' : 'Composed · MP4';
}

export function toArchiveRow(archive: Archive, mode: AppMode = 'local'): ArchiveRow {
  const isDownloadable = archive.status === 'available' && Boolean(archive.url);
  return {
    id: archive.id,
    name: archive.name ? archive.name : 'Untitled',
    status: archive.status,
    statusText: STATUS_TEXT[archive.status] ?? archive.status,
    createdAt: new Date(archive.createdAt).toISOString(),
    durationText: formatDuration(archive.duration),
    sizeText: formatSize(archive.size),
    outputMode: archive.outputMode,
    outputText: describeOutput(archive.outputMode, mode),
    canDownload: isDownloadable,
    canPlay: isDownloadable && archive.outputMode === 'composed',
    canListStreams: isDownloadable && archive.outputMode === 'individual',
    canDelete: DELETABLE.has(archive.status),
    isPending: PENDING.has(archive.status),
  };
}

export function buildHistoryPage(input: {
  page: number;
  total: number;
  items: readonly Archive[];
  mode?: AppMode;
}): HistoryPage {
  const lastPage = Math.max(1, Math.ceil(input.total / ARCHIVES_PER_PAGE));
  // The items listed at the capped offset belong to another page.
  const isPastEnd = input.page > lastPage || isBeyondListing(input.page);
  const rows = isPastEnd ? [] : input.items.map((archive) => toArchiveRow(archive, input.mode));
  return {
    page: input.page,
    lastPage,
    total: input.total,
    rows,
    newerPage: input.page > 1 && !isPastEnd ? input.page - 1 : undefined,
    olderPage: input.page < lastPage ? input.page + 1 : undefined,
    isPastEnd,
    pastEndText: describePastEnd(lastPage, input.total),
    isPending: rows.some((row) => row.isPending),
  };
}

function describePastEnd(lastPage: number, total: number): string {
  if (total === 0) return 'That page does not exist: there are no archives yet.';
  const pages = lastPage === 1 ? '1 page' : `${lastPage} pages`;
  const archives = total === 1 ? '1 archive' : `${total} archives`;
  return `That page does not exist: the history has ${pages} (${archives}).`;
}

/** Seconds as "4 min 05 s" (or "42 s" under a minute). */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  if (minutes === 0) return `${rest} s`;
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

/** Bytes in decimal units, one decimal from kB on: "0 B", "812 B", "8.3 MB". */
export function formatSize(bytes: number): string {
  const value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  if (value < 1000) return `${value} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = 'B';
  for (const next of units) {
    if (scaled < 1000) break;
    scaled /= 1000;
    unit = next;
  }
  return `${scaled.toFixed(1)} ${unit}`;
}
