// The "Your name" form next to the own tile: saves the name for later visits and hands it to the call.
import { cleanDisplayName, rememberDisplayName } from './display-name.js';

/**
 * Wires #name-form. `onSave(name)` is called with the cleaned name after it was remembered, and returns
 * what to tell the person (e.g. whether the others were told).
 */
export function wireNameForm({ initialName, onSave }) {
  const form = document.getElementById('name-form');
  const input = document.getElementById('display-name-input');
  const status = document.getElementById('name-status');
  if (!form || !input) return;
  input.value = initialName;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = cleanDisplayName(input.value);
    if (name === '') {
      status.textContent = 'Type a name first.';
      input.focus();
      return;
    }
    input.value = name;
    rememberDisplayName(name);
    status.textContent = await onSave(name);
  });
}
