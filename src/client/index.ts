/** Local-mode stand-in for OpenTok.js: defines `window.OT` with the part of its API the sample pages use. */
import { sortWidgetArguments } from './dom';
import { OTError } from './errors';
import { createEvent, EventEmitter, type OTEvent } from './events';
import { Publisher, type PublisherProperties } from './publisher';
import { Session } from './session';
import { Connection, Stream } from './stream';
import { Subscriber } from './subscriber';

/** Read while the script tag is still `document.currentScript`, i.e. at load. */
function emulatorPathFromScriptTag(): string {
  const script = document.currentScript;
  const path = script instanceof HTMLScriptElement ? script.dataset.emulatorPath : undefined;
  return (path ?? '/emulator').replace(/\/+$/, '');
}

const emulatorPath = emulatorPathFromScriptTag();

type Callback = (error?: OTError) => void;

class OTGlobal extends EventEmitter<{
  exception: OTEvent<'exception', object> & { code: number; message: string; title: string };
}> {
  readonly version = 'local-1.0.0';
  readonly Session = Session;
  readonly Publisher = Publisher;
  readonly Subscriber = Subscriber;
  readonly Stream = Stream;
  readonly Connection = Connection;

  initSession(
    apiKeyOrApplicationId: string,
    sessionId: string,
    options?: ConstructorParameters<typeof Session>[3],
  ): Session {
    if (typeof sessionId !== 'string' || sessionId === '') {
      throw new OTError({ name: 'OT_INVALID_SESSION_ID', message: 'OT.initSession needs a session ID.' });
    }
    return new Session(String(apiKeyOrApplicationId), sessionId, { emulatorPath }, options);
  }

  initPublisher(
    target?: HTMLElement | string | PublisherProperties | Callback,
    properties?: PublisherProperties | Callback,
    callback?: Callback,
  ): Publisher {
    const args = sortWidgetArguments<PublisherProperties, Callback>(target, properties, callback);
    try {
      return new Publisher(args.target, args.properties ?? {}, args.callback);
    } catch (error) {
      if (error instanceof OTError) {
        this.emit(
          'exception',
          createEvent('exception', this, { code: error.code, message: error.message, title: error.name }),
        );
      }
      throw error;
    }
  }

  /** 1 when this browser has what a call and a recording need (WebRTC, camera access, MediaRecorder). */
  checkSystemRequirements(): number {
    const ok =
      typeof RTCPeerConnection === 'function' &&
      typeof MediaRecorder === 'function' &&
      typeof navigator.mediaDevices?.getUserMedia === 'function';
    return ok ? 1 : 0;
  }

  /** Accepted for compatibility; this client logs only warnings. */
  setLogLevel(_level: number): void {}

  log(message: string): void {
    console.log(message);
  }

  upgradeSystemRequirements(): void {}
}

declare global {
  interface Window {
    OT: OTGlobal;
  }
}

window.OT = new OTGlobal();
