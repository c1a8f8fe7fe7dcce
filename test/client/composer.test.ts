/** The composed recorder's audio: a context the browser keeps suspended resumes on the page's next gesture. */
import { Composer } from '../../src/client/composer';
import { archiveInfo, FakeMediaStream } from './support/recording-fakes';

type Listener = () => void;

/** A document that keeps its listeners, so a test can press a key and count what is still attached. */
class FakeDocument {
  readonly listeners = new Map<string, Set<Listener>>();
  createElement(): unknown {
    return {
      width: 0,
      height: 0,
      getContext: () => null,
      captureStream: () => ({ getVideoTracks: () => [{ kind: 'video', readyState: 'live' }] }),
    };
  }
  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  dispatch(type: string): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
  count(...types: string[]): number {
    return types.reduce((sum, type) => sum + (this.listeners.get(type)?.size ?? 0), 0);
  }
}

/**
 * Chrome's autoplay policy as the composer meets it: a context created without a user gesture stays suspended,
 * and its resume() waits until the page has been clicked.
 */
class FakeAudioContext {
  static readonly created: FakeAudioContext[] = [];
  static pageActivated = false;
  state: 'suspended' | 'running' | 'closed' = 'suspended';
  resumeCalls = 0;
  readonly #stateListeners = new Set<Listener>();
  readonly #waiting: Listener[] = [];

  constructor() {
    FakeAudioContext.created.push(this);
  }
  resume(): Promise<void> {
    this.resumeCalls += 1;
    if (FakeAudioContext.pageActivated) {
      this.#setState('running');
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  close(): Promise<void> {
    this.#setState('closed');
    return Promise.resolve();
  }
  addEventListener(_type: 'statechange', listener: Listener): void {
    this.#stateListeners.add(listener);
  }
  removeEventListener(_type: 'statechange', listener: Listener): void {
    this.#stateListeners.delete(listener);
  }
  get stateListeners(): number {
    return this.#stateListeners.size;
  }
  createMediaStreamDestination(): unknown {
    return { stream: { getAudioTracks: () => [{ kind: 'audio', readyState: 'live' }] } };
  }
  createGain(): unknown {
    return { gain: { value: 1 }, connect: (next: unknown) => next };
  }
  createOscillator(): unknown {
    return { connect: (next: unknown) => next, start: () => undefined };
  }
  #setState(state: FakeAudioContext['state']): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of [...this.#stateListeners]) listener();
    if (state === 'running') for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

class FakeMediaRecorder {
  static readonly created: FakeMediaRecorder[] = [];
  static isTypeSupported = (): boolean => true;
  state: 'inactive' | 'recording' = 'inactive';
  ondataavailable: unknown = null;
  constructor(readonly stream: FakeMediaStream<{ kind: string }>) {
    FakeMediaRecorder.created.push(this);
  }
  start(): void {
    this.state = 'recording';
  }
  readonly #onStop: Listener[] = [];
  stop(): void {
    this.state = 'inactive';
    for (const listener of this.#onStop.splice(0)) listener();
  }
  addEventListener(type: string, listener: Listener): void {
    if (type === 'stop') this.#onStop.push(listener);
  }
}

const archive = archiveInfo('composed');

let doc: FakeDocument;
let warnings: unknown[][];

beforeAll(() => {
  Object.assign(globalThis, {
    window: globalThis,
    AudioContext: FakeAudioContext,
    MediaRecorder: FakeMediaRecorder,
    MediaStream: FakeMediaStream,
    fetch: () => Promise.resolve(new Response('{}')),
  });
});

beforeEach(() => {
  jest.useFakeTimers();
  doc = new FakeDocument();
  Object.assign(globalThis, { document: doc });
  FakeAudioContext.pageActivated = false;
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    warnings.push(args);
  });
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

function createComposer(): Composer {
  return new Composer({
    archive,
    sources: () => [],
    upload: {
      mediaUrl: 'http://127.0.0.1:1/emulator/media',
      archiveId: archive.id,
      streamId: 'composed',
      credentials: () => ({ connectionId: 'c1', uploadKey: 'k1' }),
    },
  });
}

const soundWarnings = (): unknown[][] =>
  warnings.filter((args) => String(args[0]).includes('composed recording has no sound'));

test('a suspended context records video meanwhile, warns once, and resumes on the next click', async () => {
  const composer = createComposer();
  await composer.start();
  const audio = FakeAudioContext.created.at(-1);
  const recorder = FakeMediaRecorder.created.at(-1);
  expect(recorder?.state).toBe('recording');
  expect(recorder?.stream.getTracks().map((t) => t.kind)).toEqual(['video', 'audio']);
  expect(audio?.state).toBe('suspended');

  jest.advanceTimersByTime(5000);
  expect(soundWarnings()).toHaveLength(1);

  // A key press before the page may play sound changes nothing; a click that allows it starts the mix.
  doc.dispatch('keydown');
  expect(audio?.state).toBe('suspended');
  expect(doc.count('pointerdown', 'keydown')).toBe(2);
  FakeAudioContext.pageActivated = true;
  doc.dispatch('pointerdown');
  expect(audio?.state).toBe('running');
  expect(doc.count('pointerdown', 'keydown')).toBe(0);
  expect(audio?.stateListeners).toBe(0);
  expect(soundWarnings()).toHaveLength(1);
  await composer.stop();
});

test('a context the page may start runs at once, with no warning and no listeners left', async () => {
  FakeAudioContext.pageActivated = true;
  const composer = createComposer();
  await composer.start();
  expect(FakeAudioContext.created.at(-1)?.state).toBe('running');
  jest.advanceTimersByTime(5000);
  expect(soundWarnings()).toHaveLength(0);
  expect(doc.count('pointerdown', 'keydown')).toBe(0);
  await composer.stop();
});

test('stopping while still suspended removes the gesture listeners', async () => {
  const composer = createComposer();
  await composer.start();
  expect(doc.count('pointerdown', 'keydown')).toBe(2);
  await composer.stop();
  expect(doc.count('pointerdown', 'keydown')).toBe(0);
  jest.advanceTimersByTime(5000);
  expect(soundWarnings()).toHaveLength(0);
});
