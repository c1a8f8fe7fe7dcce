/** createApp builds the Express app from its dependencies and never listens (server.ts does). */
import compression from 'compression';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { OpenTok } from '../sdk';
import { createArchivingHandlers } from './archiving/handlers';
import { createLayoutHandlers } from './archiving/layout-handlers';
import type { AppConfig } from './config';
import { createContentSecurity } from './content-security';
import { createCsrf } from './csrf';
import { createErrorHandler, notFound } from './errors';
import { createHelloWorldPage } from './hello-world/handlers';
import { createHostAuth } from './host-auth';
import { createHostCheck, createHostPolicy, createOriginCheck } from './host-policy';
import { createHealthCheck, createLandingPage } from './landing';
import { BOOTSTRAP_DIST, OPENTOK_CLIENT_DIST, PUBLIC_DIR, VIEWS_DIR } from './paths';
import { createRequestLogging } from './request-logging';
import { createRoutes } from './routes';
import { createSessionStore } from './session-store';
import { createMemoryStore } from './state/memory-store';
import type { StateStore } from './state/state-store';
import { computeAssetVersion } from './asset-version';

/** The part of the local emulator the app mounts; it must come before the app's own middleware. */
export interface EmulatorMount {
  basePath: string;
  router: RequestHandler;
  /** Absolute URL of the mounted emulator, reported by /healthz. */
  url?: string;
}

export interface AppDeps {
  config: AppConfig;
  logger: Logger;
  /** The SDK client, already pointed at the platform (or at the emulator in local mode). */
  opentok: OpenTok;
  emulator?: EmulatorMount;
  /** Where the state all instances share lives; a fresh in-memory store when absent (one instance). */
  store?: StateStore;
  /** The key that signs CSRF tokens (state/csrf-key.ts); a random one of this process when absent. */
  csrfKey?: Uint8Array;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export function createApp({
  config,
  logger,
  opentok,
  emulator,
  store = createMemoryStore(),
  csrfKey,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  // Express turns this on only when NODE_ENV=production, which `npm start` does not set. With it, Express
  // remembers where each view is and ejs keeps each compiled view and partial; `npm run dev` restarts when a
  // view changes.
  app.set('view cache', true);
  // Off unless TRUST_PROXY names the proxy: otherwise any client could claim https or another address.
  app.set('trust proxy', config.trustProxy);

  // First of all, the emulator included: a request for a host the app does not serve, or a state change sent
  // by a page on another site, reaches no route.
  const hosts = createHostPolicy(config);
  app.use(createHostCheck(hosts, logger));
  app.use(createOriginCheck(hosts));

  if (emulator) {
    app.use(emulator.basePath, emulator.router);
    // The platform's REST paths at the root as well: SDKs that resolve paths from the host root (the PHP SDK
    // gives Guzzle the API URL as base_uri and requests "/session/create") drop the base path. Only these
    // paths, so the app's own routes and its 404 page stay as they are. A RegExp, not "/v2/project/*path":
    // Express would decode that parameter here and answer a broken %-escape with the app's error page.
    app.post('/session/create', emulator.router);
    app.all(/^\/v2\/project\//, emulator.router);
  }

  // The app's own files are served under /assets/<fingerprint of public/>, which changes with any edit.
  const assetBase = `/assets/${computeAssetVersion(PUBLIC_DIR)}`;
  const otClientScript =
    config.mode === 'local' ? `${assetBase}/js/ot-local.js` : '/vendor/opentok/opentok.min.js';
  // Before everything else, so that even an error page rendered for a static or body error has its locals.
  app.use((req, res, next) => {
    res.locals.mode = config.mode;
    res.locals.otClientScript = otClientScript;
    res.locals.assetBase = assetBase;
    res.locals.emulatorPath = emulator?.basePath ?? '/emulator';
    res.locals.csrfToken = '';
    res.locals.path = req.path;
    res.locals.hostPasswordSet = Boolean(config.hostPassword);
    next();
  });

  app.use(createRequestLogging(logger));
  app.use(createContentSecurity(config.mode));
  app.use(compressWhenAccepted());

  // Vendor files change only with a dependency upgrade, so browsers may keep them for a year without asking.
  app.use('/vendor/bootstrap', express.static(BOOTSTRAP_DIST, { immutable: true, maxAge: YEAR_MS }));
  app.use(
    '/vendor/opentok',
    express.static(OPENTOK_CLIENT_DIST, {
      immutable: true,
      maxAge: YEAR_MS,
      // opentok.min.js contains non-ASCII literals; without a charset some browsers decode it as Latin-1.
      setHeaders: (res, filePath) => {
        if (filePath.endsWith('.js')) res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      },
    }),
  );
  // Fingerprinted, so a year-long cache is safe: an edited file gets a new URL.
  app.use(assetBase, express.static(PUBLIC_DIR, { immutable: true, maxAge: YEAR_MS }));

  app.use(express.json({ limit: '16kb' }));
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  const createRoutedSession = async () => (await opentok.createSession({ mediaMode: 'routed' })).sessionId;
  const archiveSessions = createSessionStore({
    store,
    key: `archiving:${opentok.apiKey}`,
    create: createRoutedSession,
  });
  const helloWorldSessions = createSessionStore({
    store,
    key: `hello-world:${opentok.apiKey}`,
    create: createRoutedSession,
  });

  app.use(
    createRoutes({
      landing: createLandingPage(config.localCredentials),
      health: createHealthCheck({
        mode: config.mode,
        localCredentials: config.localCredentials,
        emulatorUrl: emulator?.url,
        store,
      }),
      helloWorld: createHelloWorldPage({ opentok, mode: config.mode, sessions: helloWorldSessions }),
      archiving: createArchivingHandlers({
        opentok,
        mode: config.mode,
        sessions: archiveSessions,
        store,
        logger,
      }),
      layout: createLayoutHandlers({ opentok, sessions: archiveSessions }),
      csrf: createCsrf(csrfKey),
      hostAuth: createHostAuth(config.hostPassword),
    }),
  );
  // The same files at their plain paths, for links from outside the pages; these keep their names across
  // edits, so browsers revalidate them by ETag. After the routes, so that a page request is not first looked
  // up on disk.
  app.use(express.static(PUBLIC_DIR, { maxAge: 0 }));
  app.use(notFound);
  app.use(createErrorHandler(logger));
  return app;
}

/**
 * compression() wraps every response and negotiates an encoding even for a client that accepts none; such
 * requests skip it, keeping the Vary header it would add. Browsers always accept one, so only clients such
 * as the load generator of `npm run bench` take this path. Kept for that measurement: GET /host reached
 * 0.34–0.39 of a minimal Express route without it, at its 0.35 floor, and about 0.41 with it.
 */
function compressWhenAccepted(): RequestHandler {
  const compress = compression();
  return (req, res, next) => {
    if (req.headers['accept-encoding']) {
      compress(req, res, next);
      return;
    }
    res.vary('Accept-Encoding');
    next();
  };
}
