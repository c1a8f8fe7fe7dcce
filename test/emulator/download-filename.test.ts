/** Downloads are named after the recording and its start, safely, whatever the name holds. */
import { request } from 'node:http';
import { parse } from 'content-disposition';
import { createDownloadDisposition } from '../../src/emulator/archives/download-filename';
import { recordAvailableArchive } from './support/available-archive';
import { useSharedEmulator } from './support/shared-emulator';

const emu = useSharedEmulator({ limits: { finishDeadlineMs: 500 } });

const CREATED = Date.UTC(2026, 10, 12, 14, 3, 59);

/** The raw Content-Disposition bytes of a download, as a client reads them off the socket. */
function rawDisposition(url: string): Promise<{ status: number; header: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      const index = res.rawHeaders.findIndex((h) => h.toLowerCase() === 'content-disposition');
      // rawHeaders are decoded as latin1, so every byte the server wrote comes back as it was.
      resolve({
        status: res.statusCode ?? 0,
        header: Buffer.from(res.rawHeaders[index + 1] ?? '', 'latin1'),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the download file name', () => {
  it('is the recording name and its start in UTC', () => {
    expect(createDownloadDisposition({ name: 'Team sync', createdAt: CREATED, extension: 'webm' })).toBe(
      'attachment; filename="Team sync-2026-11-12-1403.webm"',
    );
  });

  it('is "recording-<date>" for an unnamed recording or one whose name has nothing left', () => {
    for (const name of [null, '', '   ', '///', '\r\n']) {
      expect(createDownloadDisposition({ name, createdAt: CREATED, extension: 'zip' })).toBe(
        'attachment; filename=recording-2026-11-12-1403.zip',
      );
    }
  });

  it('gives non-ASCII names in filename* with an ASCII fallback', () => {
    const header = createDownloadDisposition({ name: 'Café 会議', createdAt: CREATED, extension: 'webm' });
    expect(header).toBe(
      'attachment; filename="Cafe _-2026-11-12-1403.webm"; filename*=UTF-8\'\'Caf%C3%A9%20%E4%BC%9A%E8%AD%B0-2026-11-12-1403.webm',
    );
    expect(parse(header).parameters.filename).toBe('Café 会議-2026-11-12-1403.webm');
  });

  it('keeps long names to 80 characters', () => {
    const header = createDownloadDisposition({
      name: 'x'.repeat(500),
      createdAt: CREATED,
      extension: 'webm',
    });
    expect(parse(header).parameters.filename).toBe(`${'x'.repeat(80)}-2026-11-12-1403.webm`);
  });

  it('is served over HTTP for a hostile name: no header split, no path, no quote, one readable name', async () => {
    const hostile = '"quoted"\r\nSet-Cookie: a=b/../..\\evil\u202Egnp.exe 名前 ½%41';
    const archive = await recordAvailableArchive(emu, { name: hostile, outputMode: 'individual' });
    const { status, header } = await rawDisposition(archive.url);
    expect(status).toBe(200);
    // Only printable ASCII on the wire: the non-ASCII name travels percent-encoded in filename*.
    expect([...header].every((byte) => byte >= 0x20 && byte < 0x7f)).toBe(true);
    const { type, parameters } = parse(header.toString('latin1'));
    expect(type).toBe('attachment');
    const stamp = new Date(archive.createdAt).toISOString();
    const date = `${stamp.slice(0, 10)}-${stamp.slice(11, 13)}${stamp.slice(14, 16)}`;
    expect(parameters.filename).toBe(`quoted Set-Cookie a=b .. .. evil gnp.exe 名前 ½%41-${date}.zip`);
    expect(parameters['filename*']).toBeDefined();
    // The fallback (the quoted filename a client without RFC 5987 reads) is ASCII, with no quote or slash.
    const fallback = /filename="([^"]*)"/.exec(header.toString('latin1'))?.[1];
    expect(fallback).toBe(`quoted Set-Cookie a=b .. .. evil gnp.exe _ 1_2_41-${date}.zip`);
    const response = await fetch(archive.url);
    expect(response.headers.get('set-cookie')).toBeNull();
    await response.arrayBuffer();
  });

  it('names an unnamed composed recording "recording-<date>.webm" over HTTP', async () => {
    const archive = await recordAvailableArchive(emu, { outputMode: 'composed' });
    const response = await fetch(archive.url);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename=recording-\d{4}-\d{2}-\d{2}-\d{4}\.webm$/,
    );
  });
});
