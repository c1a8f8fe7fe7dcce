/** REDIS_URL and SESSION_SECRET in the configuration. */
import { ConfigError, loadConfig } from '../../../src/app/config';

const OPENTOK = { API_KEY: '123456', API_SECRET: 'abcdef0123456789abcdef0123456789' };
const SECRET = 'x'.repeat(32);

it('reads REDIS_URL and SESSION_SECRET with credentials', () => {
  const config = loadConfig({ ...OPENTOK, REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: SECRET });
  expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
  expect(config.sessionSecret).toBe(SECRET);
  expect(loadConfig(OPENTOK)).toMatchObject({ redisUrl: undefined, sessionSecret: undefined });
});

it('refuses REDIS_URL in local mode with one line saying why', () => {
  const load = () => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(
    /^REDIS_URL is set in local mode, which runs as one instance \(the emulator lives in the process\)/,
  );
});

it('refuses a REDIS_URL that is not a redis URL', () => {
  expect(() => loadConfig({ ...OPENTOK, REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
    'REDIS_URL must be a redis:// or rediss:// URL',
  );
});

it('refuses a SESSION_SECRET shorter than 32 characters, without quoting it', () => {
  const load = () => loadConfig({ ...OPENTOK, SESSION_SECRET: 'short-secret' });
  expect(load).toThrow('SESSION_SECRET must be at least 32 characters');
  expect(load).not.toThrow(/short-secret/);
});
