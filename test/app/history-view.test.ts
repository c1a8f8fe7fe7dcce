/** History view-model: page parsing, durations, sizes and which actions each status offers. */
import type { Archive } from '../../src/sdk';
import {
  buildHistoryPage,
  formatDuration,
  formatSize,
  listingOffset,
  MAX_LISTING_OFFSET,
  parsePageNumber,
  toArchiveRow,
} from '../../src/app/archiving/history-view';

function archive(overrides: Partial<Archive>): Archive {
  return {
    id: 'b40ef09b-3811-4726-b508-e41a0f96c68f',
    status: 'available',
    name: 'Demo',
    createdAt: Date.UTC(2024, 0, 2, 3, 4, 5),
    duration: 62,
    size: 8347554,
    url: 'https://example.test/archive.mp4',
    outputMode: 'composed',
    ...overrides,
  } as Archive;
}

describe('history view-model', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['0', 1],
    ['-2', 1],
    ['2.5', 1],
    ['abc', 1],
    ['1e3', 1],
    ['+3', 1],
    [' 3', 1],
    ['0x10', 1],
    ['000', 1],
    [['2', '3'], 1],
    ['3', 3],
    ['0012', 12],
    ['123456789', 123456789],
    ['1234567890', 1234567890],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['99999999999999999999', Number.MAX_SAFE_INTEGER],
    ['9'.repeat(400), Number.MAX_SAFE_INTEGER],
  ])('reads page %p as %p', (value, page) => {
    expect(parsePageNumber(value)).toBe(page);
  });

  it('asks the platform for offsets that stay safe integers, capped past any real project', () => {
    expect(listingOffset(1)).toBe(0);
    expect(listingOffset(3)).toBe(10);
    expect(listingOffset(200_000_001)).toBe(MAX_LISTING_OFFSET);
    expect(listingOffset(1234567890)).toBe(MAX_LISTING_OFFSET);
    expect(listingOffset(Number.MAX_SAFE_INTEGER)).toBe(MAX_LISTING_OFFSET);
    expect(Number.isSafeInteger(MAX_LISTING_OFFSET)).toBe(true);
  });

  it('treats a page beyond the capped offset as past the end, whatever the listing returned there', () => {
    const items = [archive({})];
    for (const page of [1234567890, Number.MAX_SAFE_INTEGER]) {
      expect(buildHistoryPage({ page, total: 12, items })).toMatchObject({
        page,
        lastPage: 3,
        rows: [],
        isPastEnd: true,
        newerPage: undefined,
        olderPage: undefined,
      });
    }
    // The last page the cap still lists is an ordinary page.
    const lastListed = MAX_LISTING_OFFSET / 5 + 1;
    expect(buildHistoryPage({ page: lastListed, total: 5 * lastListed, items })).toMatchObject({
      isPastEnd: false,
      rows: [expect.objectContaining({ name: 'Demo' })],
    });
  });

  it('writes durations as minutes and seconds', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(62)).toBe('1 min 02 s');
    expect(formatDuration(3600)).toBe('60 min 00 s');
  });

  it('writes sizes in readable units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(812)).toBe('812 B');
    expect(formatSize(8347554)).toBe('8.3 MB');
    expect(formatSize(2_500_000_000)).toBe('2.5 GB');
  });

  it('names untitled archives and gives the creation time as ISO for the browser', () => {
    const row = toArchiveRow(archive({ name: null }));
    expect(row.name).toBe('Untitled');
    expect(row.createdAt).toBe('2024-01-02T03:04:05.000Z');
    expect(row.durationText).toBe('1 min 02 s');
  });

  it.each([
    ['started', false, false, true],
    ['paused', false, false, true],
    ['stopped', false, false, true],
    ['available', true, true, false],
    ['uploaded', false, true, false],
    ['expired', false, false, false],
    ['failed', false, true, false],
  ] as const)(
    'status %s: download %p, delete %p, pending %p',
    (status, canDownload, canDelete, isPending) => {
      const row = toArchiveRow(archive({ status, url: status === 'available' ? 'https://x.test/a' : null }));
      expect({ canDownload: row.canDownload, canDelete: row.canDelete, isPending: row.isPending }).toEqual({
        canDownload,
        canDelete,
        isPending,
      });
    },
  );

  it('offers no download for an available archive without a URL', () => {
    expect(toArchiveRow(archive({ url: null })).canDownload).toBe(false);
  });

  it('computes Newer/Older links and the past-the-end case', () => {
    const items = [archive({})];
    expect(buildHistoryPage({ page: 1, total: 12, items })).toMatchObject({
      lastPage: 3,
      olderPage: 2,
      newerPage: undefined,
    });
    expect(buildHistoryPage({ page: 2, total: 12, items })).toMatchObject({ newerPage: 1, olderPage: 3 });
    expect(buildHistoryPage({ page: 3, total: 12, items })).toMatchObject({
      newerPage: 2,
      olderPage: undefined,
    });
    const past = buildHistoryPage({ page: 9, total: 12, items: [] });
    expect(past).toMatchObject({ isPastEnd: true, lastPage: 3, newerPage: undefined, olderPage: undefined });
    expect(buildHistoryPage({ page: 1, total: 0, items: [] })).toMatchObject({
      isPastEnd: false,
      lastPage: 1,
    });
  });
});
