/** Reads the archive options the host submits, as JSON (the page script) or a form (a plain HTML form). */
import { z } from 'zod';
import { HttpError } from '../errors';

export interface StartOptions {
  name?: string;
  hasAudio: boolean;
  hasVideo: boolean;
  outputMode: 'composed' | 'individual';
}

const flag = z.union([z.boolean(), z.enum(['true', 'false', 'on', 'off', '1', '0'])]).transform((value) => {
  if (typeof value === 'boolean') return value;
  return value === 'true' || value === 'on' || value === '1';
});

const startSchema = z.object({
  name: z
    .string()
    .trim()
    .max(80, 'name must be at most 80 characters')
    .optional()
    .transform((name) => (name ? name : undefined)),
  hasAudio: flag.optional(),
  hasVideo: flag.optional(),
  outputMode: z.enum(['composed', 'individual'], 'outputMode must be composed or individual').optional(),
});

/**
 * JSON omissions mean the platform default (true); in a form an unchecked checkbox is simply absent,
 * so there an absent flag means false.
 */
export function parseStartOptions(body: unknown, isForm: boolean): StartOptions {
  const parsed = startSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'body';
    const message = issue?.message?.startsWith(field)
      ? issue.message
      : `${field}: ${issue?.message ?? 'invalid'}`;
    throw new HttpError({ status: 400, message: `The archive options are invalid — ${message}.` });
  }
  const { name, hasAudio, hasVideo, outputMode } = parsed.data;
  const absent = !isForm;
  return {
    name,
    hasAudio: hasAudio ?? absent,
    hasVideo: hasVideo ?? absent,
    outputMode: outputMode ?? 'composed',
  };
}
