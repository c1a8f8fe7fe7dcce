/** Error classes: names, fields, and the guarantee that no error ever carries the secret or private key. */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import * as sdk from '../../src/sdk';
import { OpenTok, OpenTokError, type Role } from '../../src/sdk';
import { startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, fixture, SESSION_ID } from '../helpers/platform-fixtures';

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
/** A line from the middle of each PEM: enough to recognise key material anywhere in output. */
const pemLine = (pem: string): string => pem.split('\n')[3] ?? '';

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('error classes', () => {
  const names = [
    'ArgumentError',
    'AuthenticationError',
    'ArchiveError',
    'RequestError',
    'TimeoutError',
    'OpenTokError',
  ] as const;
  it.each(names)(
    'the exported class %s has that name, extends OpenTokError and Error, and keeps status, body and cause',
    (name) => {
      const ErrorClass = sdk[name];
      const cause = new Error('root');
      const error = new ErrorClass({ message: 'm', status: 418, body: { message: 'x' }, cause });
      expect(error).toBeInstanceOf(OpenTokError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ name, message: 'm', status: 418, body: { message: 'x' }, cause });
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name, message: 'm', status: 418 });
    },
  );
});

describe('no error reveals the API secret or the private key', () => {
  const projectClient = (timeoutMs?: number) =>
    new OpenTok({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      apiUrl: platform.url,
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  const cases: Array<[string, () => Promise<unknown>]> = [
    ['unknown role', () => caught(() => projectClient().generateToken(SESSION_ID, { role: 'root' as Role }))],
    ['foreign session', () => caught(() => projectClient().generateToken('1_MX45OTk5fn4', {}))],
    [
      'bad apiSecret type',
      () => caught(() => new OpenTok({ apiKey: API_KEY, apiSecret: 42 as unknown as string })),
    ],
    [
      'corrupted private key',
      () => caught(() => new OpenTok({ applicationId: 'app', privateKey: rsaPem.replace(/A/g, '!') })),
    ],
    ['EC private key', () => caught(() => new OpenTok({ applicationId: 'app', privateKey: ecPem }))],
    [
      'Vonage T1 request',
      () =>
        caught(() =>
          new OpenTok({ applicationId: 'app', privateKey: rsaPem }).generateToken('s', { tokenType: 'T1' }),
        ),
    ],
    [
      'authentication failure',
      async () => {
        platform.answer({
          status: 403,
          body: fixture('error-403-auth.json'),
          contentType: 'application/json',
        });
        return caught(() => projectClient().archives.all());
      },
    ],
    [
      'archive conflict',
      async () => {
        platform.answer({
          status: 409,
          body: fixture('error-409-archive.json'),
          contentType: 'application/json',
        });
        return caught(() => projectClient().archives.stopById('a'));
      },
    ],
    [
      'proxy error page',
      async () => {
        platform.answer({ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
        return caught(() => projectClient().createSession());
      },
    ],
    [
      'timeout',
      async () => {
        platform.answer('hang');
        return caught(() => projectClient(100).archives.find('a'));
      },
    ],
    [
      'Vonage authentication failure',
      async () => {
        platform.answer({ status: 401, body: '' });
        return caught(() =>
          new OpenTok({ applicationId: 'app', privateKey: rsaPem, apiUrl: platform.url }).archives.all(),
        );
      },
    ],
  ];

  it.each(cases)('%s', async (_label, produce) => {
    const error = await produce();
    expect(error).toBeInstanceOf(OpenTokError);
    const renderings = [
      (error as Error).message,
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String((error as Error).stack),
    ];
    for (const text of renderings) {
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(pemLine(rsaPem));
      expect(text).not.toContain(pemLine(ecPem));
    }
  });

  it('the OpenTok object itself does not show its credentials when logged', () => {
    const renderings = [
      inspect(new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET }), { depth: 10, showHidden: true }),
      JSON.stringify(new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET })),
      inspect(new OpenTok({ applicationId: 'app', privateKey: rsaPem }), { depth: 10, showHidden: true }),
    ];
    for (const text of renderings) {
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(pemLine(rsaPem));
    }
  });
});
