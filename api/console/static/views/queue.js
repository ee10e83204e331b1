/** The incident queue: filters in the URL, sorted, paged, refreshed every few seconds. */
import { call, withQuery } from '../api.js';
import { badge, h, replace, route, text, when } from '../dom.js';
import { listFilters } from '../session.js';

const STATUSES = ['open', 'acknowledged', 'closed'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const SORTS = { newest: 'Newest first', oldest: 'Oldest first', last_seen: 'Latest activity', risk: 'Highest risk' };
const TEXT_FILTERS = { assignee: 'Assignee', entity: 'Entity (host, user, IP)', rule: 'Rule (id or name)' };
const REFRESH_MS = 5000;
const PAGE = 50;

/** The list query of the URL's query, keeping only what the API's list takes. */
function apiQuery(q, takes) {
  const out = {};
  for (const k of ['status', 'severity', ...Object.keys(TEXT_FILTERS), 'sort', 'offset'])
    if (takes.includes(k) && q.get(k)) out[k] = q.get(k);
  out.limit = PAGE;
  return out;
}

function checkboxes(legend, name, values, chosen) {
  return h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, legend),
    values.map((v) => h('label', {}, h('input', { type: 'checkbox', name, value: v, checked: chosen.includes(v) }), ` ${v}`)),
  );
}

function filterForm(q, takes) {
  const chosen = (k) => (q.get(k) ?? '').split(',').filter(Boolean);
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter incidents' },
    takes.includes('status') ? checkboxes('Status', 'status', STATUSES, chosen('status')) : null,
    takes.includes('severity') ? checkboxes('Severity', 'severity', SEVERITIES, chosen('severity')) : null,
    Object.entries(TEXT_FILTERS)
      .filter(([k]) => takes.includes(k))
      .map(([k, label]) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `q-${k}` }, label),
          h('input', { id: `q-${k}`, name: k, type: 'search', value: q.get(k) ?? '', autocomplete: 'off' }),
        ),
      ),
    takes.includes('sort')
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'q-sort' }, 'Sort'),
          h(
            'select',
            { id: 'q-sort', name: 'sort' },
            Object.entries(SORTS).map(([v, l]) => h('option', { value: v, selected: (q.get('sort') || 'newest') === v }, l)),
          ),
        )
      : null,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'), h('a', { href: '#/queue' }, 'Clear')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const k of ['status', 'severity']) {
      const v = [...form.querySelectorAll(`input[name=${k}]:checked`)].map((i) => i.value).join(',');
      if (v) next.set(k, v);
    }
    for (const k of [...Object.keys(TEXT_FILTERS), 'sort']) {
      const el = form.elements.namedItem(k);
      if (el && el.value.trim()) next.set(k, el.value.trim());
    }
    location.hash = `#/queue?${next}`;
  });
  return form;
}

function row(doc) {
  const i = doc.incident ?? {};
  const e = i.entities ?? {};
  const entities = [...(e.hosts ?? []), ...(e.users ?? []), ...(e.ips ?? [])];
  return h(
    'tr',
    {},
    h('td', {}, badge('severity', i.severity)),
    h('td', { class: 'title' }, h('a', { href: route('incidents', i.id) }, text(i.title || i.id))),
    h('td', {}, badge('status', i.status)),
    h('td', { class: 'num' }, text(i.risk_score ?? '')),
    h('td', { class: 'clip' }, entities.slice(0, 4).map(text).join(', ') + (entities.length > 4 ? ` +${entities.length - 4}` : '')),
    h('td', { class: 'num' }, text(i.alert_count ?? i.alerts?.length ?? '')),
    h('td', {}, text(i.assignee ?? '')),
    h('td', { class: 'time' }, when(i.last_seen ?? doc['@timestamp'])),
  );
}

export async function queueView(main, { query }) {
  const takes = listFilters();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const body = h('tbody', {});
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const live = h('input', { type: 'checkbox', id: 'live', checked: true });
  const t = h(
    'table',
    { class: 'queue' },
    h('caption', { class: 'sr-only' }, 'Incidents'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Severity', 'Incident', 'Status', 'Risk', 'Entities', 'Alerts', 'Assignee', 'Last seen'].map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    body,
  );
  main.append(
    h('h1', { tabindex: '-1' }, 'Incidents'),
    filterForm(query, takes),
    h('div', { class: 'row between' }, status, h('label', { class: 'live' }, live, ' Live refresh')),
    t,
    pager,
  );

  const pageLink = (label, to, total) => {
    const q = new URLSearchParams(query);
    if (to > 0) q.set('offset', String(to));
    else q.delete('offset');
    return to < 0 || to >= total
      ? h('span', { class: 'disabled', 'aria-disabled': 'true' }, label)
      : h('a', { href: `#/queue?${q}` }, label);
  };

  let timer;
  let first = true;
  const load = async () => {
    const res = await call('GET', withQuery('/api/incidents', apiQuery(query, takes)));
    const incidents = res.incidents ?? [];
    body.replaceChildren(...incidents.map(row));
    if (incidents.length === 0) body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No incidents match.')));
    const total = Number(res.total) || 0;
    replace(
      status,
      total === 0
        ? '0 incidents'
        : `${offset + 1}–${offset + incidents.length} of ${total.toLocaleString('en')} incidents · updated ${when(new Date())}`,
    );
    replace(pager, pageLink('← Newer', offset - PAGE, total), ' ', pageLink('Older →', offset + PAGE, Math.min(total, 10_000)));
    if (first) {
      first = false;
      // What bench/console.ts measures: the first rows are on the page and their links work.
      performance.mark('vigil:queue-usable');
      document.body.dataset.ready = 'queue';
    }
  };
  const tick = async () => {
    // Not while the keyboard is in the table: replacing the rows would take the focus away.
    if (live.checked && !document.hidden && !t.contains(document.activeElement)) {
      try {
        await load();
      } catch (err) {
        replace(status, h('span', { class: 'error' }, `Refresh failed: ${err.message}`));
      }
    }
    timer = setTimeout(tick, REFRESH_MS);
  };
  await load();
  timer = setTimeout(tick, REFRESH_MS);
  return () => clearTimeout(timer);
}
