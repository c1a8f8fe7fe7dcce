/** Typed event emitter with OpenTok.js's on/once/off signatures (single events, event maps, context). */

/** The shape every event shares, as in OpenTok.js's `Event<Type, Target>`. */
export interface OTEvent<Type extends string = string, Target = unknown> {
  type: Type;
  cancelable: boolean;
  target: Target;
  isDefaultPrevented(): boolean;
  preventDefault(): void;
}

/** Builds an event object; `preventDefault` only takes effect on cancelable events, as in OpenTok.js. */
export function createEvent<Type extends string, Target, Extra extends object>(
  type: Type,
  target: Target,
  extra: Extra,
  cancelable = false,
): OTEvent<Type, Target> & Extra {
  let prevented = false;
  return {
    ...extra,
    type,
    cancelable,
    target,
    isDefaultPrevented: () => prevented,
    preventDefault: () => {
      if (cancelable) prevented = true;
    },
  };
}

type Handler<E> = (event: E) => void;
interface Listener {
  handler: Handler<never>;
  context: object | undefined;
  once: boolean;
}

type HandlerMap = Record<string, Handler<never>>;

/**
 * `EventMap` maps each known event name to its event type. Unknown names (e.g. `signal:<type>`) are
 * accepted too, because page scripts written for OpenTok.js subscribe to them.
 */
export class EventEmitter<EventMap extends object> {
  readonly #listeners = new Map<string, Listener[]>();

  on<K extends keyof EventMap & string>(name: K, handler: Handler<EventMap[K]>, context?: object): this;
  on(name: string, handler: Handler<OTEvent>, context?: object): this;
  on(map: Partial<{ [K in keyof EventMap]: Handler<EventMap[K]> }>, context?: object): this;
  on(nameOrMap: string | object, handlerOrContext?: unknown, context?: object): this {
    this.#add(nameOrMap, handlerOrContext, context, false);
    return this;
  }

  once<K extends keyof EventMap & string>(name: K, handler: Handler<EventMap[K]>, context?: object): this;
  once(name: string, handler: Handler<OTEvent>, context?: object): this;
  once(map: Partial<{ [K in keyof EventMap]: Handler<EventMap[K]> }>, context?: object): this;
  once(nameOrMap: string | object, handlerOrContext?: unknown, context?: object): this {
    this.#add(nameOrMap, handlerOrContext, context, true);
    return this;
  }

  /** With no arguments removes every handler; with a name only, every handler of that event. */
  off<K extends keyof EventMap & string>(name?: K, handler?: Handler<EventMap[K]>, context?: object): this;
  off(name?: string, handler?: Handler<OTEvent>, context?: object): this;
  off(map: Partial<{ [K in keyof EventMap]: Handler<EventMap[K]> }>, context?: object): this;
  off(nameOrMap?: string | object, handlerOrContext?: unknown, context?: object): this {
    if (nameOrMap === undefined) {
      this.#listeners.clear();
      return this;
    }
    if (typeof nameOrMap === 'string') {
      this.#remove(nameOrMap, handlerOrContext as Handler<never> | undefined, context);
      return this;
    }
    for (const [name, handler] of Object.entries(nameOrMap as HandlerMap)) {
      this.#remove(name, handler, handlerOrContext as object | undefined);
    }
    return this;
  }

  /** Calls every handler; one handler throwing does not keep the others from running. */
  protected emit(name: string, event: object): void {
    const list = this.#listeners.get(name);
    if (!list || list.length === 0) return;
    for (const listener of [...list]) {
      if (listener.once) this.#remove(name, listener.handler, listener.context);
      try {
        (listener.handler as Handler<object>).call(listener.context ?? this, event);
      } catch (error) {
        console.error(`OT: a "${name}" event handler threw`, error);
      }
    }
  }

  #add(
    nameOrMap: string | object,
    handlerOrContext: unknown,
    context: object | undefined,
    once: boolean,
  ): void {
    if (typeof nameOrMap === 'string') {
      if (typeof handlerOrContext !== 'function') return;
      this.#push(nameOrMap, handlerOrContext as Handler<never>, context, once);
      return;
    }
    for (const [name, handler] of Object.entries(nameOrMap as HandlerMap)) {
      if (typeof handler === 'function')
        this.#push(name, handler, handlerOrContext as object | undefined, once);
    }
  }

  #push(name: string, handler: Handler<never>, context: object | undefined, once: boolean): void {
    // OpenTok.js accepts space-separated names: on('streamCreated streamDestroyed', fn).
    for (const single of name.split(/\s+/).filter(Boolean)) {
      const list = this.#listeners.get(single) ?? [];
      list.push({ handler, context, once });
      this.#listeners.set(single, list);
    }
  }

  #remove(name: string, handler: Handler<never> | undefined, context: object | undefined): void {
    for (const single of name.split(/\s+/).filter(Boolean)) {
      const list = this.#listeners.get(single);
      if (!list) continue;
      const kept = list.filter(
        (l) =>
          !(
            (handler === undefined || l.handler === handler) &&
            (context === undefined || l.context === context)
          ),
      );
      if (kept.length > 0) this.#listeners.set(single, kept);
      else this.#listeners.delete(single);
    }
  }
}
