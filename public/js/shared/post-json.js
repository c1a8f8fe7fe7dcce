// POSTs JSON to the app with the page's CSRF token and turns every failure into a readable Error.
import { csrfToken } from './page-data.js';

/** Resolves to the parsed reply; rejects with an Error whose message can be shown as is. */
export async function postJson(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'x-csrf-token': csrfToken(),
      },
      credentials: 'same-origin',
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw new Error('The app server could not be reached. Check your connection and try again.');
  }
  const reply = await response.json().catch(() => null);
  if (!response.ok) {
    const message =
      reply && reply.error && typeof reply.error.message === 'string' ? reply.error.message : null;
    // The status lets a page tell "already done elsewhere" (409) from a failure.
    throw Object.assign(new Error(message || `The server answered with HTTP ${response.status}.`), {
      status: response.status,
    });
  }
  return reply;
}
