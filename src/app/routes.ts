/** The app's whole route table. State changes are POST only; their GET is answered 405. */
import { Router, type RequestHandler } from 'express';
import type { ArchivingHandlers } from './archiving/handlers';
import type { LayoutHandlers } from './archiving/layout-handlers';
import type { Csrf } from './csrf';
import { methodNotAllowed } from './errors';

export interface RouteHandlers {
  landing: RequestHandler;
  health: RequestHandler;
  helloWorld: RequestHandler;
  archiving: ArchivingHandlers;
  /** The host's layout and focus choices for the running recording. */
  layout: LayoutHandlers;
  csrf: Csrf;
  /** HOST_PASSWORD gate; passes everything when no password is set. */
  hostAuth: RequestHandler;
}

export function createRoutes({
  landing,
  health,
  helloWorld,
  archiving: a,
  layout,
  csrf,
  hostAuth,
}: RouteHandlers): Router {
  const router = Router();
  router.get('/healthz', health);

  router.get('/', csrf.issue, landing);
  router.get('/hello-world', noStore, csrf.issue, helloWorld);

  router.get('/host', hostAuth, noStore, csrf.issue, a.hostPage);
  router.get('/participant', noStore, csrf.issue, a.participantPage);
  router.get('/history', csrf.issue, a.historyPage);
  router.get('/history.json', a.historyJson);
  router.get('/download/:archiveId', noStore, a.download);
  router.get('/archive/:archiveId/streams', a.archiveStreams);
  router.get('/archive/:archiveId', hostAuth, a.archiveStatus);

  router.route('/start').post(hostAuth, csrf.verify, a.start).all(methodNotAllowed);
  router.route('/stop/:archiveId').post(hostAuth, csrf.verify, a.stop).all(methodNotAllowed);
  router.route('/delete/:archiveId').post(hostAuth, csrf.verify, a.remove).all(methodNotAllowed);
  router.route('/layout/:archiveId').post(hostAuth, csrf.verify, layout.setLayout).all(methodNotAllowed);
  router.route('/focus').post(hostAuth, csrf.verify, layout.setFocus).all(methodNotAllowed);
  return router;
}

/** Pages that embed a client token, and the redirect to a signed download link: no cache may keep them. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
