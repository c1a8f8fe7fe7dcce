// Shows errors and notices in the page's #alerts region, in words a user can act on.

/** Adds a dismissible alert; the same message is not stacked twice. */
export function showAlert(message, variant = 'danger') {
  const region = document.getElementById('alerts');
  if (!region) return;
  for (const existing of region.querySelectorAll('.alert')) {
    if (existing.dataset.message === message) return;
  }
  const alert = document.createElement('div');
  alert.className = `alert alert-${variant} d-flex justify-content-between align-items-start gap-2`;
  alert.dataset.message = message;
  const text = document.createElement('span');
  text.textContent = message;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'btn-close';
  close.setAttribute('aria-label', 'Dismiss this message');
  close.addEventListener('click', () => alert.remove());
  alert.append(text, close);
  region.append(alert);
}

export function clearAlerts() {
  const region = document.getElementById('alerts');
  if (region) region.replaceChildren();
}
