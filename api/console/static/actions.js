/**
 * A button for one API operation: it opens a small form built from the operation's request body
 * in the OpenAPI document (a select for an enum, a text area for a reason or a note), sends it,
 * and shows the API's own error text when the call is refused.
 */
import { call } from './api.js';
import { h, replace } from './dom.js';
import { pathOf } from './session.js';

let formIds = 0;
const LONG = /^(reason|text|note|comment|description)$/;

const labelOf = (name) => name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** One input per body property not given in `fixed`. */
function fieldsOf(schema, fixed) {
  const props = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  return Object.entries(props)
    .filter(([name, s]) => !(name in fixed) && s.type !== 'object')
    .map(([name, s]) => {
      const id = `f${++formIds}`;
      const need = required.has(name);
      const common = { id, name, required: need, 'aria-describedby': s.description ? `${id}-hint` : undefined };
      let input;
      if (Array.isArray(s.enum))
        input = h(
          'select',
          common,
          need ? [] : h('option', { value: '' }, '—'),
          s.enum.map((v) => h('option', { value: v }, v)),
        );
      else if (s.type === 'integer') input = h('input', { ...common, type: 'number', min: s.minimum, max: s.maximum });
      else if (s.type === 'boolean') input = h('input', { ...common, type: 'checkbox', required: false });
      else if (LONG.test(name)) input = h('textarea', { ...common, rows: 2, maxlength: s.maxLength });
      else input = h('input', { ...common, type: 'text', maxlength: s.maxLength, autocomplete: 'off' });
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, labelOf(name), need ? '' : h('span', { class: 'hint' }, ' (optional)')),
        input,
        s.description ? h('span', { id: `${id}-hint`, class: 'hint' }, s.description) : null,
      );
    });
}

/** The body of a submitted form: non-empty values, integers as numbers, checkboxes as booleans. */
function bodyOf(form, schema, fixed) {
  const body = { ...fixed };
  for (const el of form.elements) {
    if (!el.name) continue;
    const s = schema?.properties?.[el.name] ?? {};
    if (s.type === 'boolean') body[el.name] = el.checked;
    else if (el.value !== '') body[el.name] = s.type === 'integer' ? Number(el.value) : el.value;
  }
  return body;
}

/**
 * `op` from session.may(); `params` fill its path; `fixed` body values are sent as they are;
 * `extra()` returns more nodes for the form (and `collect(form)` their body values);
 * `done(result)` runs after a success; `status` is where the outcome is announced.
 */
export function actionButton(op, { label, params = {}, fixed = {}, extra, collect, done, status, danger = false }) {
  const formId = `a${++formIds}`;
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { id: formId, class: 'action-form', hidden: true, 'aria-label': label, novalidate: false },
    fieldsOf(op.body, fixed),
    extra ? extra() : null,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, 'Send'),
      h('button', { type: 'button', class: 'link', on: { click: close } }, 'Cancel'),
    ),
    error,
  );
  const open = h(
    'button',
    { type: 'button', class: danger ? 'danger' : '', 'aria-expanded': 'false', 'aria-controls': formId, on: { click: toggle } },
    label,
  );
  function toggle() {
    const show = form.hidden;
    form.hidden = !show;
    open.setAttribute('aria-expanded', String(show));
    if (show) (form.querySelector('input,select,textarea,button[type=submit]') || form).focus();
  }
  function close() {
    form.hidden = true;
    open.setAttribute('aria-expanded', 'false');
    replace(error);
    open.focus();
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(error);
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const body = { ...bodyOf(form, op.body, fixed), ...(collect ? collect(form) : {}) };
      const result = await call(op.method, pathOf(op, params), op.method === 'POST' ? body : undefined);
      form.reset();
      close();
      if (status) replace(status, `${label}: done.`);
      await done?.(result);
    } catch (err) {
      replace(error, `${label} failed: ${err.message}`);
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'action' }, open, form);
}
