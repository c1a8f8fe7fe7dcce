/** The landing page and the health check. */
import type { RequestHandler } from 'express';
import type { AppMode } from './config';

export const landingPage: RequestHandler = (_req, res) => {
  res.render('index', { title: 'Video archiving sample' });
};

export function createHealthCheck(mode: AppMode, emulatorUrl: string | undefined): RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(mode === 'local' && emulatorUrl ? { status: 'ok', mode, emulatorUrl } : { status: 'ok', mode });
  };
}
