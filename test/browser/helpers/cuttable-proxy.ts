/**
 * A TCP proxy on 127.0.0.1:0 in front of the app whose connections the test can cut, and whose new
 * connections it can refuse for a while: a network loss as the browser and the emulator both see it.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttableProxy {
  url: string;
  /** destroys every open connection; with `downForMs`, new connections are refused that long */
  cut(downForMs?: number): void;
  /**
   * Holds every byte, both ways, on open and new connections, until `restore()`: a network that drops packets.
   * Nothing is closed, so neither end learns of it from its socket.
   */
  silence(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  let downUntil = 0;
  let silent = false;
  /** connects each live pair's two sockets; undone by silence(), redone by restore() */
  const links = new Set<{ wire(): void; hold(): void }>();
  const server = createServer((client) => {
    if (Date.now() < downUntil) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    const link = {
      wire: () => client.pipe(upstream).pipe(client),
      hold: () => {
        for (const socket of [client, upstream]) socket.unpipe().pause();
      },
    };
    links.add(link);
    client.on('close', () => {
      links.delete(link);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    if (silent) link.hold();
    else link.wire();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut(downForMs = 0) {
      downUntil = Date.now() + downForMs;
      for (const socket of open) socket.destroy();
    },
    silence() {
      silent = true;
      for (const link of links) link.hold();
    },
    restore() {
      silent = false;
      for (const link of links) link.wire();
    },
    async close() {
      // Closing pages send their WebSocket goodbye through the proxy; let it pass before cutting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
