/** The official `@vonage/video` package, driven in a child process (see vonage-video-driver.js). */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** What the SDK's promise rejected with: its message, and the HTTP status and body when there was a reply. */
export class VonageVideoCallError extends Error {
  override readonly name = 'VonageVideoCallError';
  readonly status: number | undefined;
  readonly body: unknown;
  constructor(init: { message: string; status?: number; body?: string }) {
    super(init.body ? `${init.message}: ${init.body}` : init.message);
    this.status = init.status;
    this.body = init.body ? (JSON.parse(init.body) as unknown) : undefined;
  }
}

interface Reply {
  id: number;
  error: string | null;
  status?: number;
  body?: string;
  value: unknown;
}

/** The fields of @vonage/video's archive replies that the contract tests read. */
export interface VonageArchive {
  id: string;
  status: string;
  name: string | null;
  sessionId: string;
  reason: string;
  projectId: unknown;
}

/** One @vonage/video client in a child process; `call(method, ...args)` resolves with the method's value. */
export class VonageVideoDriver {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const reply = raw as Reply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 5000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error === null) resolve(reply.value as T);
        else
          reject(new VonageVideoCallError({ message: reply.error, status: reply.status, body: reply.body }));
      });
      this.child.send({ id, op: method, args });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** Starts `new Video({ applicationId, privateKey }, { videoHost })` in a child process; the key is read from its file. */
export async function startVonageVideo(
  applicationId: string,
  privateKeyPath: string,
  videoHost: string,
): Promise<VonageVideoDriver> {
  const child = fork(path.join(__dirname, 'vonage-video-driver.js'), [], { execArgv: [], stdio: 'inherit' });
  const driver = new VonageVideoDriver(child);
  try {
    await driver.call('init', applicationId, privateKeyPath, videoHost);
  } catch (error) {
    driver.stop();
    throw error;
  }
  return driver;
}
