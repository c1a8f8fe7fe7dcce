/** Validation of the archive start body (docs/platform.md §5.2); every refusal is the platform's 400 "invalid request". */
import { z } from 'zod';
import { badRequest } from '../errors';
import { isWellFormedSessionId } from '../session-id';
import type { ArchiveLayout, StreamMode } from '../storage/records';
import type { OutputMode } from '../../protocol/realtime';

export const RESOLUTIONS = ['640x480', '480x640', '1280x720', '720x1280', '1920x1080', '1080x1920'] as const;
const LAYOUT_TYPES = ['bestFit', 'custom', 'horizontalPresentation', 'pip', 'verticalPresentation'] as const;
const SCREENSHARE_TYPES = ['bestFit', 'horizontalPresentation', 'pip', 'verticalPresentation'] as const;

export const layoutSchema = z
  .object({
    type: z.enum(LAYOUT_TYPES),
    stylesheet: z.string().max(10_000).optional(),
    screenshareType: z.enum(SCREENSHARE_TYPES).optional(),
    // Ruby 4.x sends the nested key un-camelised (docs/platform.md §5.2); accept it as the same field.
    screenshare_type: z.enum(SCREENSHARE_TYPES).optional(),
  })
  .transform(({ screenshare_type, ...layout }) => ({
    ...layout,
    screenshareType: layout.screenshareType ?? screenshare_type,
  }))
  .refine(
    (l) => (l.type === 'custom') === (l.stylesheet !== undefined),
    'stylesheet is required with, and only with, type custom',
  )
  .refine(
    (l) => l.screenshareType === undefined || l.type === 'bestFit',
    'screenshareType requires layout type bestFit',
  );

const startSchema = z
  .object({
    sessionId: z
      .string()
      .min(1)
      .max(255)
      .refine(isWellFormedSessionId, 'not a session ID in the platform format (1_MX4…)'),
    name: z.string().max(1000).nullable().optional(),
    hasAudio: z.boolean().default(true),
    hasVideo: z.boolean().default(true),
    outputMode: z.enum(['composed', 'individual']).default('composed'),
    resolution: z.enum(RESOLUTIONS).optional(),
    layout: layoutSchema.optional(),
    streamMode: z.enum(['auto', 'manual']).default('auto'),
    multiArchiveTag: z.string().min(1).max(200).optional(),
    maxBitrate: z.number().int().min(100_000).max(6_000_000).optional(),
    quantizationParameter: z.number().int().min(15).max(40).optional(),
  })
  .refine((o) => o.hasAudio || o.hasVideo, 'hasAudio and hasVideo cannot both be false')
  .refine(
    (o) =>
      o.outputMode === 'composed' ||
      (o.resolution === undefined && o.layout === undefined && o.maxBitrate === undefined),
    'resolution, layout and maxBitrate apply to composed archives only',
  )
  .refine(
    (o) => o.maxBitrate === undefined || o.quantizationParameter === undefined,
    'maxBitrate and quantizationParameter are mutually exclusive',
  );

export interface StartArchiveOptions {
  sessionId: string;
  name: string | null;
  hasAudio: boolean;
  hasVideo: boolean;
  outputMode: OutputMode;
  resolution: string | null;
  layout: ArchiveLayout | null;
  streamMode: StreamMode;
  multiArchiveTag: string | null;
  maxBitrate: number | null;
  quantizationParameter: number | null;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function parseStartOptions(body: unknown): StartArchiveOptions {
  const result = startSchema.safeParse(body ?? {});
  if (!result.success) throw badRequest(`Invalid request. ${describeIssues(result.error)}`);
  const o = result.data;
  return {
    sessionId: o.sessionId,
    name: o.name ?? null,
    hasAudio: o.hasAudio,
    hasVideo: o.hasVideo,
    outputMode: o.outputMode,
    resolution: o.outputMode === 'composed' ? (o.resolution ?? '640x480') : null,
    layout: o.layout ?? null,
    streamMode: o.streamMode,
    multiArchiveTag: o.multiArchiveTag ?? null,
    maxBitrate: o.maxBitrate ?? null,
    quantizationParameter: o.quantizationParameter ?? null,
  };
}
