/** The HTTP door: timeouts, refused connections, unreadable bodies, content types and success statuses. */
import { OpenTok, RequestError, TimeoutError, type OpenTokError } from '../../src/sdk';
import { closedPortUrl, jsonFixture, startFakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { API_KEY, API_SECRET, fixture } from '../helpers/platform-fixtures';

const PROXY_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());
beforeEach(() => platform.reset());

function client(apiUrl: string, timeoutMs?: number): OpenTok {
  return new OpenTok({ apiKey: API_KEY, apiSecret: API_SECRET, apiUrl, ...(timeoutMs ? { timeoutMs } : {}) });
}

async function failure(promise: Promise<unknown>): Promise<OpenTokError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as OpenTokError,
  );
}

describe('network failures become RequestError', () => {
  it('a server that never answers times out after timeoutMs', async () => {
    platform.answer('hang');
    const started = Date.now();
    const error = await failure(client(platform.url, 150).archives.find('abc'));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', timedOut: true });
    expect(error.message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/v2\/project\/123456\/archive\/abc timed out after 150 ms — .*raise timeoutMs/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5000);
    expect(error.cause).toBeDefined();
  });

  it('a server that sends headers and then stalls mid-body also times out', async () => {
    platform.answer('stall-mid-body');
    const error = await failure(client(platform.url, 150).archives.find('abc'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timedOut).toBe(true);
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  it('a connection cut in the middle of the reply says so', async () => {
    platform.answer('reset-mid-body');
    const error = await failure(client(platform.url).archives.find('abc'));
    expect(error).toBeInstanceOf(RequestError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as RequestError).timedOut).toBe(false);
    expect(error.message).toMatch(/the connection broke while reading the reply/);
  });

  it('a refused connection names the cause and says to check apiUrl', async () => {
    const error = await failure(client(await closedPortUrl()).createSession());
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).timedOut).toBe(false);
    expect(error.message).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/session\/create failed: cannot reach the platform \(ECONNREFUSED\) — check apiUrl/,
    );
    expect(error.status).toBeUndefined();
  });
});

describe('unreadable bodies become RequestError', () => {
  it('malformed JSON on a 200', async () => {
    platform.answer({ status: 200, body: '{"id": "abc", ', contentType: 'application/json' });
    const error = await failure(client(platform.url).archives.find('abc'));
    expect(error).toBeInstanceOf(RequestError);
    expect(error.message).toMatch(/returned a body that is not valid JSON/);
    expect(error.body).toBe('{"id": "abc", ');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('an HTML 502 page from a proxy', async () => {
    platform.answer({ status: 502, body: PROXY_502, contentType: 'text/html' });
    const error = await failure(client(platform.url).archives.all());
    expect(error).toBeInstanceOf(RequestError);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(
      /Cannot list archives \(502\): the platform or a proxy in front of it failed — try again later\. The reply was an HTML\/XML page, not JSON\./,
    );
    expect(error.body).toBe(PROXY_502);
  });

  it('an HTML page with status 200 (a captive portal or wrong apiUrl)', async () => {
    platform.answer({
      status: 200,
      body: '<html><body>Welcome</body></html>',
      contentType: 'text/html; charset=utf-8',
    });
    const error = await failure(client(platform.url).archives.find('abc'));
    expect(error).toBeInstanceOf(RequestError);
    expect(error.message).toMatch(
      /returned text\/html instead of JSON — check that apiUrl points at the platform/,
    );
  });

  it('keeps at most 1000 characters of a long error body', async () => {
    platform.answer({ status: 503, body: 'x'.repeat(5000), contentType: 'text/plain' });
    const error = await failure(client(platform.url).archives.all());
    expect(String(error.body)).toHaveLength(1001);
  });
});

describe('successful replies', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'])(
    'reads JSON declared as %s',
    async (contentType) => {
      platform.answer({ status: 200, body: fixture('archive-available.json'), contentType });
      expect((await client(platform.url).archives.find('abc')).status).toBe('available');
    },
  );

  it('treats 201 as success', async () => {
    platform.answer({ ...jsonFixture('archive-started.json'), status: 201 });
    expect((await client(platform.url).archives.create('SESSIONID')).status).toBe('started');
  });
});
