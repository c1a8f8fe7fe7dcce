/**
 * The servers the HTTP benchmark loads, run in a child process of bench/http.ts so that the load generator
 * and the server do not share one event loop, and so that the app's resident memory is its own.
 *   app            the app in local mode (startServer, as `npm start` runs it) on a temporary DATA_DIR
 *   baselines N    a minimal Express route and a plain node:http server, each answering an N-byte page
 * Talks to its parent over IPC: sends { type: 'ready', urls }, answers 'memory', exits on 'stop'.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { loadConfig } from '../src/app/config';
import { startServer } from '../src/app/server';

export type TargetKind = 'app' | 'baselines';

export type TargetMessage =
  | { type: 'ready'; urls: Record<string, string> }
  | { type: 'memory'; rssBytes: number; heapUsedBytes: number; gcExposed: boolean };

export type ParentMessage = { type: 'memory'; gc: boolean } | { type: 'stop' };

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startApp(): Promise<{ urls: Record<string, string>; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-app-'));
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' });
  const running = await startServer(config, pino({ level: 'silent' }));
  return {
    urls: { app: running.url },
    async stop() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startBaselines(
  pageBytes: number,
): Promise<{ urls: Record<string, string>; stop(): Promise<void> }> {
  const page = Buffer.alloc(pageBytes, 'x');
  const minimal = express();
  minimal.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  const expressServer = createServer(minimal);
  const plainServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length });
    res.end(page);
  });
  const urls = { express: await listen(expressServer), http: await listen(plainServer) };
  return {
    urls,
    async stop() {
      await Promise.all([close(expressServer), close(plainServer)]);
    },
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as TargetKind;
  if (!process.send) throw new Error('http-targets runs as a child of bench/http.ts');
  const send = (message: TargetMessage) => process.send?.(message);
  const target = kind === 'app' ? await startApp() : await startBaselines(Number(process.argv[3]));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (message.gc && gc) gc();
      const usage = process.memoryUsage();
      send({ type: 'memory', rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, gcExposed: Boolean(gc) });
    } else if (message.type === 'stop') {
      void target.stop().finally(() => process.exit(0));
    }
  });
  // The parent going away must not leave a server behind.
  process.on('disconnect', () => {
    void target.stop().finally(() => process.exit(0));
  });
  send({ type: 'ready', urls: target.urls });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
