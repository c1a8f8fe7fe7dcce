/** The landing page and the health check. */
import type { RequestHandler } from 'express';
import type { AppMode } from './config';
import type { StateStore } from './state/state-store';

export const landingPage: RequestHandler = (_req, res) => {
  res.render('index', { title: 'Video archiving sample' });
};

export interface HealthCheckOptions {
  mode: AppMode;
  emulatorUrl: string | undefined;
  store: StateStore;
}

/** 503 while the shared store does not answer, so a load balancer sends no page to an instance that would fail it. */
export function createHealthCheck({ mode, emulatorUrl, store }: HealthCheckOptions): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const about = mode === 'local' && emulatorUrl ? { mode, emulatorUrl } : { mode };
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
