/** The official `opentok` npm package, driven in a child process (see opentok-node-driver.js). */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The fields of opentok-node's Archive that the contract tests read. */
export interface NodeArchive {
  id: string;
  status: string;
  name: string | null;
  sessionId: string;
  reason: string;
}

/** One opentok-node instance in a child process; each call resolves with the callback's value. */
export class OpenTokNodeDriver {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = raw as { id: number; error: string | null; value: unknown };
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.value);
    });
  }

  call<T>(op: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${op} timed out`)), 5000);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, op, args });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** Starts opentok-node in a child process, as `new OpenTok(apiKey, apiSecret, { apiUrl })`. */
export async function startOpenTokNode(
  apiKey: string,
  apiSecret: string,
  apiUrl: string,
): Promise<OpenTokNodeDriver> {
  const child = fork(path.join(__dirname, 'opentok-node-driver.js'), [], {
    execArgv: [],
    stdio: 'inherit',
  });
  const driver = new OpenTokNodeDriver(child);
  try {
    await driver.call('init', apiKey, apiSecret, apiUrl);
  } catch (error) {
    driver.stop();
    throw error;
  }
  return driver;
}
