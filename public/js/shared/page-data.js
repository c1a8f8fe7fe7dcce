// Reads the JSON page-data block the server renders (apiKey, sessionId, token, mode, ...).

export function readPageData() {
  const block = document.getElementById('page-data');
  if (!block) throw new Error('This page has no page data.');
  return JSON.parse(block.textContent || '{}');
}
