/** The CSRF key: from SESSION_SECRET on every instance alike, otherwise generated once in the store. */
import { loadCsrfKey } from '../../../src/app/state/csrf-key';
import { createMemoryStore } from '../../../src/app/state/memory-store';

const SECRET = 'a-session-secret-of-at-least-32-characters';

it('derives the same key from the same SESSION_SECRET, whatever the store', async () => {
  const a = await loadCsrfKey(SECRET, createMemoryStore());
  const b = await loadCsrfKey(SECRET, createMemoryStore());
  expect(a.equals(b)).toBe(true);
  expect(a).toHaveLength(32);
  // Not the secret itself: the key is derived for this one use.
  expect(a.toString('utf8')).not.toContain(SECRET.slice(0, 8));
  expect((await loadCsrfKey(`${SECRET}!`, createMemoryStore())).equals(a)).toBe(false);
});

it('without SESSION_SECRET, generates one key per store and keeps it', async () => {
  const store = createMemoryStore();
  const first = await loadCsrfKey(undefined, store);
  expect(first).toHaveLength(32);
  expect((await loadCsrfKey(undefined, store)).equals(first)).toBe(true);
  expect((await loadCsrfKey(undefined, createMemoryStore())).equals(first)).toBe(false);
});
