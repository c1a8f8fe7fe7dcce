/** Reads the archive options the host submits, as JSON (the page script) or a form (a plain HTML form). */
import { z } from 'zod';
import { HttpError } from '../errors';

export interface StartOptions {
  name?: string;
  hasAudio: boolean;
  hasVideo: boolean;
  outputMode: 'composed' | 'individual';
  /** Composed only (docs/platform.md §5.2); absent means the platform's default, bestFit. */
  layout?: StartLayout;
}

export const LAYOUT_TYPES = [
  'bestFit',
  'horizontalPresentation',
  'verticalPresentation',
  'pip',
  'custom',
] as const;
export interface StartLayout {
  type: (typeof LAYOUT_TYPES)[number];
  stylesheet?: string;
}

const layoutSchema = z
  .object({
    type: z.enum(
      LAYOUT_TYPES,
      'Pick a layout: best fit, horizontal presentation, vertical presentation, picture-in-picture or custom.',
    ),
    stylesheet: z
      .string()
      .trim()
      .max(
        10_000,
        'The custom layout’s stylesheet must be at most 10,000 characters. Shorten it and try again.',
      )
      .optional(),
  })
  .refine(
    (layout) => (layout.type === 'custom') === Boolean(layout.stylesheet),
    'A custom layout needs a stylesheet, and only a custom layout takes one. Write one, or pick another layout.',
  );

const flag = z.union([z.boolean(), z.enum(['true', 'false', 'on', 'off', '1', '0'])]).transform((value) => {
  if (typeof value === 'boolean') return value;
  return value === 'true' || value === 'on' || value === '1';
});

const startSchema = z.object({
  name: z
    .string()
    .trim()
    .max(80)
    .optional()
    .transform((name) => (name ? name : undefined)),
  hasAudio: flag.optional(),
  hasVideo: flag.optional(),
  outputMode: z.enum(['composed', 'individual']).optional(),
  layout: layoutSchema.optional(),
});

/** What the host reads when a field the page sends is wrong, in the form's words rather than the field's name. */
const FIELD_PROBLEMS: Partial<Record<string, string>> = {
  name: 'The recording name must be text of at most 80 characters. Shorten it and try again.',
  hasAudio: 'The audio choice could not be read. Reload the page and try again.',
  hasVideo: 'The video choice could not be read. Reload the page and try again.',
  outputMode:
    'Choose how to record: one composed video, or one file per stream. Reload the page and try again.',
};
const UNREADABLE = 'The recording options could not be read. Reload the page and try again.';
const NOTHING_TO_RECORD =
  'Choose audio, video or both: a recording with neither would be empty. Tick at least one and start again.';

/**
 * JSON omissions mean the platform default (true); in a form an unchecked checkbox is simply absent,
 * so there an absent flag means false.
 */
export function parseStartOptions(body: unknown, isForm: boolean): StartOptions {
  const parsed = startSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The layout's messages are already in the host's words.
    if (issue?.path[0] === 'layout') throw new HttpError({ status: 400, message: issue.message });
    const problem = FIELD_PROBLEMS[String(issue?.path[0] ?? '')] ?? UNREADABLE;
    throw new HttpError({ status: 400, message: problem });
  }
  const { name, hasAudio, hasVideo, outputMode, layout } = parsed.data;
  if (layout && outputMode === 'individual') {
    throw new HttpError({
      status: 400,
      message:
        'A layout applies only to a composed recording (one video). Choose composed output, or start without a layout.',
    });
  }
  const absent = !isForm;
  // Checked here, in the host's words: the SDK would refuse it too, but naming its parameters.
  if (!(hasAudio ?? absent) && !(hasVideo ?? absent)) {
    throw new HttpError({ status: 400, message: NOTHING_TO_RECORD });
  }
  return {
    name,
    hasAudio: hasAudio ?? absent,
    hasVideo: hasVideo ?? absent,
    outputMode: outputMode ?? 'composed',
    ...(layout
      ? { layout: { type: layout.type, ...(layout.stylesheet ? { stylesheet: layout.stylesheet } : {}) } }
      : {}),
  };
}
