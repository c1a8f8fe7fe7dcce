/** The hello-world demo: everyone who opens the page joins one session and publishes their camera. */
import type { RequestHandler } from 'express';
import type { OpenTok } from '../../sdk';
import type { AppMode } from '../config';
import { createConnectionData, pickDisplayName } from '../display-name';
import { serializePageData } from '../page-data';
import type { SessionStore } from '../session-store';

export interface HelloWorldDeps {
  opentok: OpenTok;
  mode: AppMode;
  /** The group chat's own session, separate from the archiving demo's. */
  sessions: SessionStore;
}

export function createHelloWorldPage({ opentok, mode, sessions }: HelloWorldDeps): RequestHandler {
  return async (req, res) => {
    const sessionId = await sessions.getSessionId();
    const displayName = pickDisplayName(req, res);
    // Everyone publishes and subscribes; nobody needs moderator rights in a group chat.
    const token = opentok.generateToken(sessionId, {
      role: 'publisher',
      data: createConnectionData(displayName),
    });
    res.render('hello-world', {
      title: 'Hello World',
      displayName,
      pageData: serializePageData({ apiKey: opentok.apiKey, sessionId, token, mode, displayName }),
    });
  };
}
