/** The chrome every page shares, in Chromium: a one-line local-mode notice, the skip link, the current page. */
import { useAppInChromium } from './helpers/app-in-chromium';

interface PageGlobals {
  document: {
    activeElement: { id: string } | null;
    querySelector(selector: string): { getBoundingClientRect(): { height: number } } | null;
  };
  getComputedStyle(element: unknown): { textDecorationLine: string };
}

const PHONE = { width: 390, height: 844 };

describe('shared chrome', () => {
  const site = useAppInChromium();

  it('keeps the local-mode notice to one line on a phone, with the details a keypress away', async () => {
    await site.inContext(async (context) => {
      const page = await context.newPage();
      await page.setViewportSize(PHONE);
      await page.goto(`${site.app.url}/history`);
      const notice = page.locator('#mode-banner');
      const closedHeight = await notice.evaluate((el) => el.getBoundingClientRect().height);
      // One line of small text and its padding; the two-line banner it replaces took 166 px here.
      expect(closedHeight).toBeLessThanOrEqual(40);
      await expect(page.locator('#mode-banner summary').textContent()).resolves.toMatch(/Local mode/);

      await page.locator('#mode-banner summary').focus();
      await page.keyboard.press('Enter');
      await page.getByText('To connect a real project').waitFor({ state: 'visible' });
    });
  });

  it('moves the focus to the content with the skip link and marks the current page beyond colour', async () => {
    await site.inContext(async (context) => {
      const page = await context.newPage();
      await page.goto(`${site.app.url}/history`);
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await expect(skip.evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
      await page.keyboard.press('Enter');
      const focused = await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.activeElement?.id,
      );
      expect(focused).toBe('main');

      const current = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' });
      await expect(current.getAttribute('aria-current')).resolves.toBe('page');
      const decoration = await current.evaluate(
        (el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).textDecorationLine,
      );
      expect(decoration).toBe('underline');
    });
  });

  it('offers a way back and home on an error page, reachable by keyboard', async () => {
    await site.inContext(async (context) => {
      const page = await context.newPage();
      await page.goto(`${site.app.url}/start`);
      const next = page.getByRole('navigation', { name: 'Where to go next' });
      await expect(
        next.getByRole('link', { name: 'Back to the host view' }).getAttribute('href'),
      ).resolves.toBe('/host');
      await next.getByRole('link', { name: 'Back to the host view' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${site.app.url}/host`);
    });
  });
});
