/**
 * The console's only way to build the page. Every child that is not a Node becomes a text node
 * and every attribute is set as an attribute, so a value from event data is shown as the
 * characters it holds and never parsed as markup (the Content-Security-Policy's Trusted Types
 * make `innerHTML = string` throw in any case). Links go only to the console's own routes.
 */

/** `h('a', { href: '#/queue', class: 'x', on: { click } }, 'text', node, [more])`. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (/^on/i.test(key)) {
      throw new Error(`h(${tag}): handlers go in \`on\`, not ${key}`);
    } else if (key === 'href') {
      el.setAttribute('href', internalHref(value));
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, anything else as text. */
export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : text(c));
  }
  return el;
}

/** Replaces every child of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Any value as the text a person reads: objects as JSON. */
export function text(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Only the console's own hash routes; anything else (a `javascript:` URL from data included) becomes inert. */
export function internalHref(href) {
  const s = String(href);
  return /^#\/[^\s]*$/.test(s) ? s : '#';
}

/** `#/incident/<id>` with the id escaped. */
export function route(...parts) {
  return `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
}

/** A date as local `YYYY-MM-DD HH:MM:SS`, or the raw text when it is not one. */
export function when(v) {
  if (!v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return text(v);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A `<dl>` of label → value pairs, skipping empty values. */
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    dl.append(
      h('dt', {}, label),
      h('dd', {}, value instanceof Node ? value : Array.isArray(value) ? value.map(text).join(', ') : text(value)),
    );
  }
  return dl;
}

/** A severity or status badge; the class is picked from a fixed list, never taken from data. */
export function badge(kind, value) {
  const known = {
    severity: ['informational', 'low', 'medium', 'high', 'critical'],
    status: [
      'open',
      'acknowledged',
      'closed',
      'running',
      'succeeded',
      'failed',
      'cancelled',
      'timed_out',
      'pending',
      'awaiting_approval',
      'waiting',
      'denied',
      'skipped',
    ],
  }[kind];
  const v = text(value);
  return h('span', { class: `badge ${kind}-${known.includes(v) ? v : 'other'}` }, v.replace(/_/g, ' '));
}

/** A table with a caption and a header row; `rows` are arrays of cells (text or nodes). */
export function table(caption, headers, rows, empty = 'None.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h('caption', { class: 'sr-only' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}
