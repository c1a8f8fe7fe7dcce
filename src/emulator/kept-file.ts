/** The small JSON files the emulator keeps in its data folder (its secret, its application ID): read, or refuse in one line. */
import { promises as fs } from 'node:fs';
import { CredentialsError } from './errors';

/** The file's text, or null when there is none yet; any other read failure stops the start. */
export async function readKeptFile(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new CredentialsError({ message: `${file} could not be read (${error.code ?? error.message})` });
  });
}

/**
 * One string field of a kept file. The refusal names the file, what is wrong and what to do, and carries no
 * cause and no value: a parser's message quotes the text, and a damaged secret is still a secret.
 */
export function readKeptField(
  file: string,
  text: string,
  field: { name: string; shape: string; pattern: RegExp; instead: string },
): string {
  const refuse = (problem: string): CredentialsError =>
    new CredentialsError({
      message: `${file} ${problem}: it must hold {"${field.name}": "<${field.shape}>"}. The emulator did not start and left the file as it is: restore it, or set ${field.instead}.`,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw refuse('is not a JSON object');
  const value = (json as Record<string, unknown>)[field.name];
  if (typeof value !== 'string') throw refuse(`has no ${field.name} string`);
  if (!field.pattern.test(value)) throw refuse(`has a ${field.name} value that is not ${field.shape}`);
  return value;
}
