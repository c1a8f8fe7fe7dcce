/** Runtime validation of client → server frames against the types of realtime.ts. */
import { z } from 'zod';
import type { ClientMessage } from './realtime';

const rid = z.number().int().nonnegative().optional();
const id = z.string().min(1).max(255);

const schema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connect'),
    rid,
    apiKey: z.string().min(1).max(100),
    sessionId: id,
    token: z.string().min(1).max(10_000),
    resumeConnectionId: id.optional(),
    resumeKey: z.string().max(200).optional(),
  }),
  z.object({
    type: z.literal('publish'),
    rid,
    stream: z.object({
      streamId: id.optional(),
      name: z.string().max(1000),
      hasAudio: z.boolean(),
      hasVideo: z.boolean(),
      videoType: z.enum(['camera', 'screen', 'custom']),
      videoDimensions: z.object({ width: z.number().nonnegative(), height: z.number().nonnegative() }),
      frameRate: z.number().nonnegative(),
    }),
  }),
  z.object({ type: z.literal('unpublish'), rid, streamId: id }),
  z.object({
    type: z.literal('signal'),
    rid,
    to: id.optional(),
    // Lengths are checked by the session hub, which answers with the platform's 413.
    signalType: z.string().optional(),
    data: z.string().optional(),
  }),
  z.object({
    type: z.literal('rtc'),
    rid,
    to: id,
    streamId: id,
    kind: z.enum(['offer', 'answer', 'candidate', 'bye']),
    payload: z.unknown(),
  }),
  z.object({ type: z.literal('forceDisconnect'), rid, connectionId: id }),
  z.object({
    type: z.literal('streamProperty'),
    rid,
    streamId: id,
    property: z.enum(['hasAudio', 'hasVideo']),
    value: z.boolean(),
  }),
  z.object({ type: z.literal('ping'), rid }),
]);

export type ParsedClientMessage =
  { ok: true; message: ClientMessage } | { ok: false; rid: number | undefined; error: string };

export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, rid: undefined, error: 'The frame is not JSON' };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data as ClientMessage };
  const maybeRid = (value as { rid?: unknown } | null)?.rid;
  return {
    ok: false,
    rid: typeof maybeRid === 'number' ? maybeRid : undefined,
    error: result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '),
  };
}
