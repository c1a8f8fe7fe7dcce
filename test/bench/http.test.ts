/** The host page's weight as the benchmark measures it: compressed, cacheable, the platform client left out. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { measurePageWeight } from '../../bench/http';
import { loadConfig } from '../../src/app/config';
import { startServer, type RunningServer } from '../../src/app/server';

let dataDir: string;
let server: RunningServer;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-weight-'));
  server = await startServer(
    loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' }),
    pino({ level: 'silent' }),
  );
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('follows the page, its stylesheets, scripts and their imports, but not the platform client', async () => {
  const assets = await measurePageWeight(server.url);
  const paths = assets.map((a) => a.path);
  expect(paths[0]).toBe('/host');
  const own = paths.map((p) => p.replace(/^\/assets\/[0-9a-f]{12}/, ''));
  expect(own).toEqual(
    expect.arrayContaining([
      '/vendor/bootstrap/css/bootstrap.min.css',
      '/css/app.css',
      '/js/host.js',
      '/js/shared/video-session.js',
    ]),
  );
  expect(paths.some((p) => p.includes('ot-local') || p.includes('/vendor/opentok/'))).toBe(false);
  expect(new Set(paths).size).toBe(paths.length);
});

it('text above a kilobyte travels compressed; every file but the page is cached for a year', async () => {
  const assets = await measurePageWeight(server.url);
  for (const asset of assets) {
    if (asset.decodedBytes > 1024) {
      expect([asset.path, asset.contentEncoding]).toEqual([asset.path, expect.stringMatching(/^(br|gzip)$/)]);
      expect(asset.wireBytes).toBeLessThan(asset.decodedBytes);
    }
  }
  // Vendor files change only with a dependency upgrade, the app's own under a fingerprinted path.
  for (const asset of assets.slice(1)) {
    expect([asset.path, asset.cacheControl]).toEqual([
      asset.path,
      expect.stringMatching(/max-age=31536000.*immutable/),
    ]);
  }
  const total = assets.reduce((sum, a) => sum + a.wireBytes, 0);
  expect(total).toBeLessThan(100 * 1024);
});
