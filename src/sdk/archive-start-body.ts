/** The body of an archive start request, built from checked options (no request is sent here). */
import {
  LAYOUT_TYPES,
  OUTPUT_MODES,
  RESOLUTIONS,
  STREAM_MODES,
  type ArchiveCreateOptions,
  type ArchiveLayout,
  type LayoutType,
} from './archive-types';
import { ArgumentError } from './errors';
import {
  requireNonEmptyString,
  requireOneOf,
  requireOptionalBoolean,
  requireOptionalString,
} from './validation';

/**
 * Checks a composed archive's layout, for the start body and for a layout change alike: a known type, a
 * stylesheet with `custom` and only with it, `screenshareType` only with `bestFit` (docs/platform.md §5.2).
 * Returns only the fields the platform reads.
 */
export function validateLayout(layout: unknown): ArchiveLayout {
  if (typeof layout !== 'object' || layout === null) {
    throw new ArgumentError({ message: 'layout must be an object such as { type: "bestFit" }' });
  }
  const { type, stylesheet, screenshareType } = layout as Record<string, unknown>;
  const checkedType = requireOneOf('layout.type', type, LAYOUT_TYPES);
  if (checkedType === undefined) {
    throw new ArgumentError({
      message: `layout.type must be one of ${LAYOUT_TYPES.map((t) => `'${t}'`).join(', ')}`,
    });
  }
  const result: ArchiveLayout = { type: checkedType };
  if (checkedType === 'custom') {
    result.stylesheet = requireNonEmptyString(
      'layout.stylesheet (required with layout.type custom)',
      stylesheet,
    );
  } else if (stylesheet !== undefined) {
    throw new ArgumentError({ message: "layout.stylesheet is only allowed with layout.type 'custom'" });
  }
  if (screenshareType !== undefined) {
    if (checkedType !== 'bestFit') {
      throw new ArgumentError({
        message: "layout.screenshareType is only allowed with layout.type 'bestFit'",
      });
    }
    result.screenshareType = requireOneOf(
      'layout.screenshareType',
      screenshareType,
      LAYOUT_TYPES.filter((t): t is Exclude<LayoutType, 'custom'> => t !== 'custom'),
    );
  }
  return result;
}

/** Builds the start request body, sending only the options given (the platform applies its defaults). */
export function buildStartBody(sessionId: string, options: ArchiveCreateOptions): Record<string, unknown> {
  const name = requireOptionalString('name', options.name);
  const hasAudio = requireOptionalBoolean('hasAudio', options.hasAudio);
  const hasVideo = requireOptionalBoolean('hasVideo', options.hasVideo);
  if (hasAudio === false && hasVideo === false) {
    throw new ArgumentError({
      message: 'hasAudio and hasVideo cannot both be false: an archive must record something',
    });
  }
  const outputMode = requireOneOf('outputMode', options.outputMode, OUTPUT_MODES);
  const resolution = requireOneOf('resolution', options.resolution, RESOLUTIONS);
  const layout = options.layout === undefined ? undefined : validateLayout(options.layout);
  if (outputMode === 'individual' && resolution !== undefined) {
    throw new ArgumentError({
      message: "resolution is only allowed with outputMode 'composed' (got outputMode 'individual')",
    });
  }
  if (outputMode === 'individual' && layout !== undefined) {
    throw new ArgumentError({
      message: "layout is only allowed with outputMode 'composed' (got outputMode 'individual')",
    });
  }
  const streamMode = requireOneOf('streamMode', options.streamMode, STREAM_MODES);
  const multiArchiveTag = requireOptionalString('multiArchiveTag', options.multiArchiveTag);

  const body: Record<string, unknown> = { sessionId };
  const optional = { name, hasAudio, hasVideo, outputMode, resolution, layout, streamMode, multiArchiveTag };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) body[key] = value;
  }
  return body;
}
