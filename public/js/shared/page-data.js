// Reads what the server renders into the page for its scripts: the JSON page-data block and the CSRF token.

export function readPageData() {
  const block = document.getElementById('page-data');
  if (!block) throw new Error('This page has no page data.');
  return JSON.parse(block.textContent || '{}');
}

/** The token every state-changing request must carry (x-csrf-token header or _csrf form field). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}
