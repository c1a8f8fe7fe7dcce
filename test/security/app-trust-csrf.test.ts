/**
 * CSRF: the cookie ID comes from the server only, signed, so a planted ID earns no token; and a state change
 * sent by a page on another site is refused by its Origin or Sec-Fetch-Site even with a valid cookie and token.
 */
import request from 'supertest';
import { browse, readCsrfToken } from '../app/helpers/app-harness';
import { useEmulatorApp } from '../app/helpers/emulator-app';

/** An ID of the shape the server used to issue, chosen by an attacker. */
const CHOSEN_ID = 'attacker-chosen-id-0123456789abcdef';

describe('CSRF cookie and second line', () => {
  const site = useEmulatorApp();

  const cookieOf = (res: request.Response): string | undefined =>
    ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('csrf_id='));

  it('a cookie ID chosen by the client is replaced, and earns no token', async () => {
    const page = await request(site.app).get('/').set('Cookie', `csrf_id=${CHOSEN_ID}`).expect(200);
    const issued = cookieOf(page);
    expect(issued).toBeDefined();
    expect(issued).not.toContain(CHOSEN_ID);
    // The token on that page belongs to the new cookie; with the chosen one it is refused.
    const res = await request(site.app)
      .post('/start')
      .set('Cookie', `csrf_id=${CHOSEN_ID}`)
      .set('x-csrf-token', readCsrfToken(page.text))
      .set('Accept', 'application/json')
      .send({});
    expect(res.status).toBe(403);
  });

  it('a cookie whose signature does not match its ID is replaced', async () => {
    const { agent } = await browse(site.app);
    const first = cookieOf(await request(site.app).get('/').expect(200)) ?? '';
    const [id] = first.slice('csrf_id='.length).split(';')[0]?.split('.') ?? [];
    for (const forged of [`${id}.bad-signature`, `${id}`, `${CHOSEN_ID}.${'A'.repeat(43)}`]) {
      const res = await request(site.app).get('/').set('Cookie', `csrf_id=${forged}`).expect(200);
      expect([forged, cookieOf(res)]).toEqual([forged, expect.stringMatching(/^csrf_id=/)]);
    }
    expect((await agent.get('/').expect(200)).headers['set-cookie']).toBeUndefined();
  });

  describe('Origin and Sec-Fetch-Site, with a valid cookie and token', () => {
    it.each([
      ['Origin', 'http://evil.example'],
      ['Sec-Fetch-Site', 'cross-site'],
      ['Sec-Fetch-Site', 'same-site'],
    ])('%s: %s is refused with 403 and starts nothing', async (header, value) => {
      const before = await site.harness.opentok.archives.all();
      const { agent, csrfToken } = await browse(site.app);
      const res = await agent.post('/start').set('x-csrf-token', csrfToken).set(header, value).send({});
      expect(res.status).toBe(403);
      expect((await site.harness.opentok.archives.all()).total).toBe(before.total);
    });

    it.each([
      ['Origin', 'http://127.0.0.1:3000'],
      ['Sec-Fetch-Site', 'same-origin'],
    ])('%s: %s reaches the route', async (header, value) => {
      const { agent, csrfToken } = await browse(site.app);
      const res = await agent.post('/start').set('x-csrf-token', csrfToken).set(header, value).send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/Nobody is publishing yet/);
    });

    // Browsers send "Origin: null" on a form post under a no-referrer policy (a setting or extension): Sec-Fetch-Site decides.
    it('Origin: null is judged by Sec-Fetch-Site: the page’s own form passes, another site’s does not', async () => {
      const { agent, csrfToken } = await browse(site.app);
      const post = (site: string) =>
        agent
          .post('/start')
          .type('form')
          .set('Origin', 'null')
          .set('Sec-Fetch-Site', site)
          .set('Accept', 'application/json')
          .send({ _csrf: csrfToken });
      expect((await post('same-origin')).status).toBe(400);
      expect((await post('cross-site')).status).toBe(403);
    });

    it.each(['/stop/00000000-0000-4000-8000-000000000000', '/delete/00000000-0000-4000-8000-000000000000'])(
      '%s from another site is refused',
      async (path) => {
        const { agent, csrfToken } = await browse(site.app);
        const res = await agent
          .post(path)
          .set('x-csrf-token', csrfToken)
          .set('Origin', 'https://evil.example');
        expect(res.status).toBe(403);
      },
    );
  });
});
