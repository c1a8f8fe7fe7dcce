/**
 * Runs Debian's redis-server on a free 127.0.0.1 port for a test, without persistence, and lets the test stop
 * it and start it again on the same port (Redis lost and back while the app runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRedis {
  /** e.g. redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Stops the server (SIGTERM); its data is gone, as with a Redis restarted without persistence. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Suspends the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused process run again (SIGCONT). */
  resume(): void;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;
const INSTALL_HINT =
  "The tests need Debian's redis-server: run 'sudo apt-get install -y redis-server', then run them again.";

export async function startRedisServer(): Promise<TestRedis> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = started;
    const failed = new Promise<never>((_resolve, reject) => {
      started.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new Error(error.code === 'ENOENT' ? INSTALL_HINT : `redis-server did not start: ${error.message}`),
        );
      });
      started.once('exit', (code) => reject(new Error(`redis-server exited at once (code ${code})`)));
    });
    failed.catch(() => undefined);
    await Promise.race([waitForPort(port), failed]);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  await start();
  const signal = (name: NodeJS.Signals) => () => void child?.kill(name);
  const close = async (): Promise<void> => {
    child?.kill('SIGCONT');
    await stop();
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    pause: signal('SIGSTOP'),
    resume: signal('SIGCONT'),
    close,
  };
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until a TCP connection to the port succeeds, bounded by READY_TIMEOUT_MS. */
async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(20);
  }
  throw new Error(
    `redis-server did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`,
  );
}
