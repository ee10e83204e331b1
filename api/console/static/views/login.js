/** Log in: paste an API token; it is checked against `/api/whoami` and kept in this tab only. */
import { ApiError, token } from '../api.js';
import { h, replace } from '../dom.js';
import { forgetSession, loadSession } from '../session.js';

export async function loginView(main, { query, rerender }) {
  const error = h('p', { class: 'error', role: 'alert' }, query.get('error') ?? '');
  const input = h('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'login', 'aria-label': 'Log in' },
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), input),
    h(
      'p',
      { class: 'hint' },
      'A token from `api.tokens` in vigil.yaml. It is kept in this browser tab only (sessionStorage) and sent as a bearer header.',
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
    error,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(error);
    token.set(input.value.trim());
    forgetSession();
    try {
      await loadSession();
      // Back to the page asked for, which showed this form for want of a token.
      if (location.hash.startsWith('#/login') || location.hash === '') location.hash = '#/queue';
      else await rerender();
    } catch (err) {
      token.clear();
      forgetSession();
      replace(error, err instanceof ApiError && err.status === 401 ? `Not accepted: ${err.message}` : err.message);
    }
  });
  main.append(h('h1', { tabindex: '-1' }, 'Log in'), form);
}
