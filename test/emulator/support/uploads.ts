/** The media upload requests a recording client sends (src/protocol/media-upload.ts), for any emulator test. */

/** Where the emulator answers: its base URL, as a test emulator or a project gives it. */
export interface UploadTarget {
  url: string;
}

/** The realtime credentials an upload is sent with; a FakeBrowser is one. */
export interface Uploader {
  readonly connectionId: string;
  readonly uploadKey: string;
}

export interface UploadAnswer {
  status: number;
  /** the JSON body, or the text when it is not JSON */
  body: unknown;
}

const DEFAULT_OFFSETS = { startTimeOffset: 0, stopTimeOffset: 1000 };

export function mediaUrl(target: UploadTarget, archiveId: string, streamId: string, suffix = ''): string {
  return `${target.url}/media/${archiveId}/${streamId}${suffix}`;
}

/** The upload headers; `uploadKey` replaces the uploader's own, to send a wrong one. */
export function uploadHeaders(uploader: Uploader, uploadKey = uploader.uploadKey): Record<string, string> {
  return { 'x-connection-id': uploader.connectionId, 'x-upload-key': uploadKey };
}

async function answerOf(response: Response): Promise<UploadAnswer> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** PUT chunk `seq` of an upload. */
export async function putChunk(
  target: UploadTarget,
  uploader: Uploader,
  archiveId: string,
  streamId: string,
  seq: number,
  body: Uint8Array,
  options: { uploadKey?: string } = {},
): Promise<UploadAnswer> {
  const response = await fetch(mediaUrl(target, archiveId, streamId, `/${seq}`), {
    method: 'PUT',
    headers: { ...uploadHeaders(uploader, options.uploadKey), 'content-type': 'video/webm' },
    body,
  });
  return answerOf(response);
}

/** GET an upload's state: the chunk expected next and whether it is finished. */
export async function getUploadState(
  target: UploadTarget,
  uploader: Uploader,
  archiveId: string,
  streamId: string,
): Promise<UploadAnswer> {
  return answerOf(await fetch(mediaUrl(target, archiveId, streamId), { headers: uploadHeaders(uploader) }));
}

/** POST …/finish with the recording's offsets (or any body, to see it refused). */
export async function finishUpload(
  target: UploadTarget,
  uploader: Uploader,
  archiveId: string,
  streamId: string,
  body: Record<string, unknown> = DEFAULT_OFFSETS,
): Promise<UploadAnswer> {
  const response = await fetch(mediaUrl(target, archiveId, streamId, '/finish'), {
    method: 'POST',
    headers: { ...uploadHeaders(uploader), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answerOf(response);
}
