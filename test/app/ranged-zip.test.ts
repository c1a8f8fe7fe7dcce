/** Reading one entry of a large zip over HTTP: only the end of the file and the entry travel. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { zipSync, strToU8 } from 'fflate';
import { readZipEntry, ZipReadError } from '../../src/app/archiving/ranged-zip';

const MEDIA_BYTES = 8 * 1024 * 1024;
const manifest = JSON.stringify({ files: [{ filename: 'a.webm', size: MEDIA_BYTES }] });

let dir: string;
let server: Server;
let baseUrl: string;
/** What each request asked for and how many body bytes it was sent. */
const requests: Array<{ range: string | undefined; bytes: number }> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ranged-zip-'));
  // The manifest first, the media after it: the entry lies 8 MB before the directory at the end.
  const first = zipSync({
    'archive.json': strToU8(manifest),
    'a.webm': [randomBytes(MEDIA_BYTES), { level: 0 }],
  });
  await writeFile(path.join(dir, 'first.zip'), first);
  const last = zipSync({
    'a.webm': [randomBytes(MEDIA_BYTES), { level: 0 }],
    'archive.json': strToU8(manifest),
  });
  await writeFile(path.join(dir, 'last.zip'), last);
  await writeFile(path.join(dir, 'tiny.zip'), zipSync({ 'archive.json': strToU8(manifest) }));

  const app = express();
  app.use((req, res, next) => {
    const entry = { range: req.get('range'), bytes: 0 };
    requests.push(entry);
    const write = res.write.bind(res);
    res.write = ((chunk: Buffer, ...rest: never[]) => {
      entry.bytes += chunk.length;
      return write(chunk, ...rest);
    }) as typeof res.write;
    next();
  });
  app.get('/no-range/:file', (req, res) =>
    res.sendFile(path.join(dir, req.params.file), { acceptRanges: false }),
  );
  app.use(express.static(dir));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

const sentBytes = () => requests.reduce((sum, r) => sum + r.bytes, 0);

describe('readZipEntry', () => {
  it.each(['first.zip', 'last.zip'])(
    'reads the entry of an 8 MB zip (%s) in a few ranges, under 2%% of the file',
    async (file) => {
      const bytes = await readZipEntry({
        url: `${baseUrl}/${file}`,
        entryName: 'archive.json',
        maxEntryBytes: 4096,
      });
      expect(bytes?.toString()).toBe(manifest);
      expect(requests.every((r) => r.range?.startsWith('bytes='))).toBe(true);
      expect(requests.length).toBeLessThanOrEqual(2);
      expect(sentBytes()).toBeLessThan(MEDIA_BYTES / 50);
    },
  );

  it('reads a zip smaller than the end it asks for first', async () => {
    const bytes = await readZipEntry({
      url: `${baseUrl}/tiny.zip`,
      entryName: 'archive.json',
      maxEntryBytes: 4096,
    });
    expect(bytes?.toString()).toBe(manifest);
  });

  it('answers null for a zip without the entry', async () => {
    expect(
      await readZipEntry({ url: `${baseUrl}/last.zip`, entryName: 'other.json', maxEntryBytes: 4096 }),
    ).toBeNull();
  });

  it('refuses an entry over its limit without reading it', async () => {
    const reading = readZipEntry({ url: `${baseUrl}/first.zip`, entryName: 'a.webm', maxEntryBytes: 4096 });
    await expect(reading).rejects.toMatchObject({ name: 'ZipReadError', reason: 'too-large' });
    expect(sentBytes()).toBeLessThan(MEDIA_BYTES / 50);
  });

  it('stops at a server that answers a range with the whole file', async () => {
    const reading = readZipEntry({
      url: `${baseUrl}/no-range/last.zip`,
      entryName: 'archive.json',
      maxEntryBytes: 4096,
    });
    await expect(reading).rejects.toBeInstanceOf(ZipReadError);
    await expect(reading).rejects.toMatchObject({ reason: 'no-range' });
    expect(requests).toHaveLength(1);
  });

  it('gives up on a file that is not a zip, and on storage that cannot be reached', async () => {
    await writeFile(path.join(dir, 'not.zip'), randomBytes(100_000));
    await expect(
      readZipEntry({ url: `${baseUrl}/not.zip`, entryName: 'archive.json', maxEntryBytes: 4096 }),
    ).rejects.toMatchObject({ reason: 'unreadable' });
    await expect(
      readZipEntry({ url: 'http://127.0.0.1:1/x.zip', entryName: 'archive.json', maxEntryBytes: 4096 }),
    ).rejects.toMatchObject({ reason: 'unreachable' });
  });
});
