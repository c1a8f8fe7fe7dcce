/** A pino logger whose lines a test can read back. */
import { Writable } from 'node:stream';
import pino from 'pino';

export function createLogLines(level: pino.LevelWithSilent = 'info'): {
  lines: string[];
  logger: pino.Logger;
} {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level }, sink) };
}
