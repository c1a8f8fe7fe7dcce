// Shows errors and notices in the page's #alerts region, and state notices in their own live regions.

/** Adds a dismissible alert; the same message is not stacked twice. */
export function showAlert(message, variant = 'danger') {
  const region = document.getElementById('alerts');
  if (!region) return;
  for (const existing of region.querySelectorAll('.alert')) {
    if (existing.dataset.message === message) return;
  }
  region.append(createAlert(message, variant, (alert) => alert.remove()));
}

export function clearAlerts() {
  const region = document.getElementById('alerts');
  if (region) region.replaceChildren();
}

/**
 * Shows `notice` ({ text, variant } or null) as the only content of `region`, a live region that stays in the
 * page so that a screen reader announces each new text. Unchanged text is left alone (no repeat announcement).
 */
export function renderNotice(region, notice, onDismiss) {
  if (!region) return;
  const shown = region.querySelector('.alert');
  if (!notice) {
    if (shown) region.replaceChildren();
    return;
  }
  if (shown && shown.dataset.message === notice.text && shown.dataset.variant === notice.variant) return;
  region.replaceChildren(createAlert(notice.text, notice.variant, onDismiss ? () => onDismiss() : null));
}

function createAlert(message, variant, onDismiss) {
  const alert = document.createElement('div');
  alert.className = `alert alert-${variant} d-flex justify-content-between align-items-start gap-2`;
  alert.dataset.message = message;
  alert.dataset.variant = variant;
  const text = document.createElement('span');
  text.textContent = message;
  alert.append(text);
  if (onDismiss) {
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => onDismiss(alert));
    alert.append(close);
  }
  return alert;
}
