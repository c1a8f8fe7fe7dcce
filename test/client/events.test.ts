/** The local browser client's event emitter: OpenTok.js's on/once/off forms, contexts and default actions. */
import { createEvent, EventEmitter, type OTEvent } from '../../src/client/events';

type Events = {
  ping: OTEvent<'ping', Emitter> & { n: number };
  pong: OTEvent<'pong', Emitter>;
};

class Emitter extends EventEmitter<Events> {
  fire(name: string, extra: object = {}, cancelable = false): OTEvent {
    const event = createEvent(name, this, extra, cancelable);
    this.emit(name, event);
    return event;
  }
}

test('on, once and off by name, by handler, by context and all at once', () => {
  const e = new Emitter();
  const seen: string[] = [];
  const a = (): void => {
    seen.push('a');
  };
  const context = { label: 'ctx' };
  e.on('ping', a);
  e.once('ping', () => seen.push('once'));
  e.on(
    'ping',
    function (this: { label: string }) {
      seen.push(this.label);
    },
    context,
  );
  e.fire('ping');
  e.fire('ping');
  expect(seen).toEqual(['a', 'once', 'ctx', 'a', 'ctx']);

  seen.length = 0;
  e.off('ping', a);
  e.fire('ping');
  expect(seen).toEqual(['ctx']);

  seen.length = 0;
  e.off('ping', undefined, context);
  e.fire('ping');
  expect(seen).toEqual([]);

  e.on('pong', () => seen.push('pong'));
  e.off();
  e.fire('pong');
  expect(seen).toEqual([]);
});

test('event maps, space-separated names and signal:<type> names', () => {
  const e = new Emitter();
  const seen: string[] = [];
  const handlers = { ping: () => seen.push('map ping'), pong: () => seen.push('map pong') };
  e.on(handlers);
  e.on('ping pong', (event) => seen.push(`both ${event.type}`));
  e.on('signal:chat', (event) => seen.push(event.type));
  e.fire('ping');
  e.fire('pong');
  e.fire('signal:chat');
  e.off(handlers);
  e.fire('ping');
  expect(seen).toEqual(['map ping', 'both ping', 'map pong', 'both pong', 'signal:chat', 'both ping']);
});

test('a throwing handler does not keep the next from running', () => {
  const e = new Emitter();
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const seen: number[] = [];
  e.on('ping', () => {
    throw new Error('page bug');
  });
  e.on('ping', (event) => seen.push(event.n));
  e.fire('ping', { n: 7 });
  expect(seen).toEqual([7]);
  expect(errors).toHaveBeenCalledTimes(1);
  errors.mockRestore();
});

test('preventDefault only sticks on cancelable events', () => {
  const e = new Emitter();
  e.on('ping', (event) => event.preventDefault());
  expect(e.fire('ping', {}, true).isDefaultPrevented()).toBe(true);
  expect(e.fire('ping', {}, false).isDefaultPrevented()).toBe(false);
});
