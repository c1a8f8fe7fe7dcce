/** findBackLink: the error page's way back names one of the app's pages, whatever the Referer says. */
import { findBackLink } from '../../src/app/back-link';

const failed = (path: string, referer?: string, query: Record<string, unknown> = {}) =>
  findBackLink({ path, query, referer, host: 'localhost:3000' });

it.each([
  ['/start', undefined, { href: '/host', label: 'Back to the host view' }],
  ['/stop/abc', undefined, { href: '/host', label: 'Back to the host view' }],
  ['/delete/abc', undefined, { href: '/history', label: 'Back to the history' }],
  ['/history.json', undefined, { href: '/history', label: 'Back to the history' }],
  [
    '/start',
    'http://LOCALHOST:3000/participant',
    { href: '/participant', label: 'Back to the participant view' },
  ],
  [
    '/delete/abc',
    'http://localhost:3000/history?page=12',
    { href: '/history?page=12', label: 'Back to the history' },
  ],
  [
    '/delete/abc',
    'http://localhost:3000/history?page=1e9',
    { href: '/history', label: 'Back to the history' },
  ],
  ['/start', 'http://localhost:4000/participant', { href: '/host', label: 'Back to the host view' }],
  ['/start', 'ftp://localhost:3000/participant', { href: '/host', label: 'Back to the host view' }],
  ['/start', 'not a url', { href: '/host', label: 'Back to the host view' }],
])('%s from %s leads to %j', (path, referer, link) => {
  expect(failed(path, referer)).toEqual(link);
});

it('offers a page that failed itself again, with its page number', () => {
  expect(failed('/history', undefined, { page: '4' })).toEqual({
    href: '/history?page=4',
    label: 'Try the history again',
  });
});

it('offers nothing but home for an address that belongs to no page', () => {
  expect(failed('/nope', 'https://elsewhere.example/host')).toBeUndefined();
  expect(failed('/', undefined)).toBeUndefined();
});
