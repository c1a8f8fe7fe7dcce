/** The landing page and the health check. */
import type { RequestHandler } from 'express';
import type { AppMode, LocalCredentials } from './config';
import type { StateStore } from './state/state-store';

/** `localCredentials` is set in local mode only: the page says which flavour runs and how to switch. */
export function createLandingPage(localCredentials: LocalCredentials | undefined): RequestHandler {
  return (_req, res) => {
    // No page title: the site's name is the landing page's whole title (views/partials/head.ejs).
    res.render('index', { title: '', localCredentials });
  };
}

export interface HealthCheckOptions {
  mode: AppMode;
  /** local mode only */
  localCredentials: LocalCredentials | undefined;
  emulatorUrl: string | undefined;
  store: StateStore;
}

/** 503 while the shared store does not answer, so a load balancer sends no page to an instance that would fail it. */
export function createHealthCheck(options: HealthCheckOptions): RequestHandler {
  const { mode, localCredentials, emulatorUrl, store } = options;
  const about =
    mode === 'local' && emulatorUrl
      ? { mode, ...(localCredentials ? { credentials: localCredentials } : {}), emulatorUrl }
      : { mode };
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await store.check();
    } catch (error) {
      const message = error instanceof Error ? error.message : 'The state store does not answer.';
      res.status(503).json({ status: 'unavailable', ...about, store: store.kind, message });
      return;
    }
    res.json({ status: 'ok', ...about, store: store.kind });
  };
}
