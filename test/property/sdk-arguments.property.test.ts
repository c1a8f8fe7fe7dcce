/**
 * Any value for any SDK argument: the call succeeds or fails with the SDK's own error classes (ArgumentError
 * before any request for a malformed argument), never a TypeError or another throw, and no error message
 * carries the secret. Network calls go to the emulator.
 */
import fc from 'fast-check';
import { ArgumentError, OpenTok, OpenTokError } from '../../src/sdk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

jest.setTimeout(60_000);

let emulator: TestEmulator;
let opentok: OpenTok;
let sessionId: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  opentok = new OpenTok({ apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, apiUrl: emulator.url });
  sessionId = (await opentok.createSession({ mediaMode: 'routed' })).sessionId;
});
afterAll(() => emulator.close());

/** Values a careless or hostile caller passes: anything JSON-ish, plus IDs built to escape a URL path. */
const value = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(
    '../../session/create',
    '..',
    '%2e%2e%2f',
    'a/b?c#d',
    '😀',
    '',
    ' ',
    '\u0000',
    'x'.repeat(100_000),
    Number.NaN,
    Infinity,
    -1,
    2 ** 53,
    Symbol('s'),
    () => 1,
    new Date(0),
    Object.create(null) as object,
  ),
);
const options = fc.oneof(
  value,
  fc.record(
    {
      role: value,
      data: value,
      expireTime: value,
      initialLayoutClassList: value,
      tokenType: value,
      mediaMode: value,
      archiveMode: value,
      location: value,
      name: value,
      outputMode: value,
      hasAudio: value,
      hasVideo: value,
      resolution: value,
      offset: value,
      count: value,
      sessionId: value,
    },
    { requiredKeys: [] },
  ),
);

function expectOwnError(error: unknown): void {
  if (!(error instanceof OpenTokError)) {
    throw new Error(`expected an OpenTokError, got ${String(error)}`, { cause: error });
  }
  expect(error.message).not.toContain(emulator.apiSecret);
}

async function settle(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}

const RUNS = { numRuns: 80 };

it('the constructor takes any options or throws ArgumentError', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        value,
        fc.record(
          {
            apiKey: value,
            apiSecret: value,
            apiUrl: value,
            timeoutMs: value,
            applicationId: value,
            privateKey: value,
          },
          { requiredKeys: [] },
        ),
      ),
      (input) => {
        try {
          new OpenTok(input as ConstructorParameters<typeof OpenTok>[0]);
        } catch (error) {
          expect(error).toBeInstanceOf(ArgumentError);
          expect((error as Error).message).not.toContain(emulator.apiSecret);
        }
      },
    ),
    RUNS,
  );
});

it('generateToken returns a token or throws ArgumentError, for any session ID and options', () => {
  fc.assert(
    fc.property(fc.oneof(value, fc.constant(sessionId)), options, (id, tokenOptions) => {
      try {
        const token = opentok.generateToken(
          id as string,
          tokenOptions as Parameters<OpenTok['generateToken']>[1],
        );
        expect(typeof token).toBe('string');
        expect(token).not.toContain(emulator.apiSecret);
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as Error).message).not.toContain(emulator.apiSecret);
      }
    }),
    RUNS,
  );
});

it('data is accepted exactly when it has fewer than 1000 characters (code points), astral ones included', () => {
  // Around the limit: a run of one character (one or two UTF-16 units) and a mixed tail; then any Unicode text.
  const character = fc.constantFrom('a', ' ', 'é', '中', '\u{1F600}', '\u{1D11E}');
  const nearLimit = fc
    .tuple(character, fc.integer({ min: 980, max: 1000 }), fc.array(character, { maxLength: 30 }))
    .map(([filler, count, tail]) => filler.repeat(count) + tail.join(''));
  const anyText = fc.string({ unit: 'binary', maxLength: 1100 });
  fc.assert(
    fc.property(fc.oneof(nearLimit, anyText), (data) => {
      const characters = [...data].length;
      if (characters < 1000) {
        expect(typeof opentok.generateToken(sessionId, { data })).toBe('string');
      } else {
        expect(() => opentok.generateToken(sessionId, { data })).toThrow(
          `data must be fewer than 1000 characters (got ${characters} characters)`,
        );
      }
    }),
    RUNS,
  );
});

it('createSession resolves or rejects with an SDK error', async () => {
  await fc.assert(
    fc.asyncProperty(options, async (input) => {
      const error = await settle(() =>
        opentok.createSession(input as Parameters<OpenTok['createSession']>[0]),
      );
      if (error !== undefined) expectOwnError(error);
    }),
    { numRuns: 40 },
  );
});

it('archive calls with any ID or options resolve or reject with an SDK error; a non-ID never reaches the network', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('create', 'find', 'stopById', 'deleteById', 'all'),
      fc.oneof(value, fc.constant(sessionId)),
      options,
      async (method, id, input) => {
        const archives = opentok.archives;
        const error = await settle(() => {
          switch (method) {
            case 'create':
              return archives.create(id as string, input as Parameters<typeof archives.create>[1]);
            case 'all':
              return archives.all(input as Parameters<typeof archives.all>[0]);
            default:
              return archives[method](id as string);
          }
        });
        if (error === undefined) return;
        expectOwnError(error);
        if (method !== 'all' && typeof id !== 'string') expect(error).toBeInstanceOf(ArgumentError);
      },
    ),
    { numRuns: 60 },
  );
});

it.each([
  ['createSession(null)', () => opentok.createSession(null as never)],
  ['generateToken(sessionId, null)', async () => opentok.generateToken(sessionId, null as never)],
  ['archives.create(sessionId, null)', () => opentok.archives.create(sessionId, null as never)],
  ['archives.all(null)', () => opentok.archives.all(null as never)],
  ['archives.all("offset=1")', () => opentok.archives.all('offset=1' as never)],
])('%s rejects with ArgumentError naming the options', async (_call, call) => {
  const error = await settle(call);
  expect(error).toBeInstanceOf(ArgumentError);
  expect((error as Error).message).toMatch(/^options must be an object/);
});
