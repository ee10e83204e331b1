/** One incident: what it is, what may be done to it, its alerts, entities, techniques, risk, enrichments, notes and runs. */
import { call, withQuery } from '../api.js';
import { actionButton } from '../actions.js';
import { badge, facts, h, replace, route, table, text, when } from '../dom.js';
import { allowed, may } from '../session.js';

/** The verbs of the status routes and the statuses each applies to (the API answers 409 otherwise). */
const STATUS_ACTIONS = [
  { id: 'ackIncident', label: 'Acknowledge', from: ['open'] },
  { id: 'closeIncident', label: 'Close', from: ['open', 'acknowledged'], danger: true },
  { id: 'reopenIncident', label: 'Reopen', from: ['acknowledged', 'closed'] },
];
const LABELS = {
  assignIncident: 'Assign',
  addIncidentNote: 'Add note',
  overrideIncidentSeverity: 'Override severity',
  mergeIncident: 'Merge into…',
};

function section(title, ...content) {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** `[{ a: 1, b: { c: 2 } }]` → rows of dotted key and text value, for data whose shape we do not fix. */
function flat(obj, prefix = '', out = []) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    out.push([prefix, Array.isArray(obj) ? obj.map(text).join(', ') : text(obj)]);
    return out;
  }
  for (const [k, v] of Object.entries(obj)) flat(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function alertRows(alerts) {
  return alerts.map((a) => [
    when(a['@timestamp']),
    text(a.rule?.name ?? a.vigil?.rule ?? ''),
    a.rule?.level || a.event?.severity ? badge('severity', a.rule?.level ?? a.event?.severity) : '',
    text(a.host?.name ?? ''),
    text(a.user?.name ?? ''),
    text(a.source?.ip ?? ''),
    h('span', { class: 'clip' }, text(a.message ?? a.event?.original ?? a.event?.action ?? '')),
  ]);
}

function techniques(i, alerts) {
  const ids = new Set(i.threat?.technique ?? []);
  const tactics = new Set(i.threat?.tactic ?? []);
  for (const tag of i.rule?.tags ?? []) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag);
    if (m) ids.add(m[1].toUpperCase());
    else if (/^attack\./i.test(tag)) tactics.add(tag.slice(7));
  }
  for (const a of alerts) for (const t of [a.threat?.technique ?? []].flat()) if (t?.id) ids.add(t.id);
  return [
    ['Techniques', [...ids]],
    ['Tactics', [...tactics]],
  ];
}

function enrichments(i, alerts) {
  const found = [];
  // The builder keeps the latest result of each source: `{ virustotal: { at, by, value } }`.
  const own = i.enrichments ?? {};
  if (Array.isArray(own)) for (const e of own) found.push(['incident', e]);
  else
    for (const [source, e] of Object.entries(own))
      found.push([`${source}${e?.by ? ` (${text(e.by)}, ${when(e.at)})` : ''}`, e?.value ?? e]);
  for (const a of alerts) for (const e of [a.threat?.enrichments ?? []].flat()) found.push([`alert ${text(a.vigil?.id ?? '')}`, e]);
  return found.flatMap(([where, e]) => flat(e).map(([k, v]) => [where, k, v]));
}

function notes(i) {
  return [i.notes ?? []]
    .flat()
    .map((n) =>
      typeof n === 'object' && n !== null ? [when(n.at), text(n.by ?? ''), text(n.text ?? n.note ?? JSON.stringify(n))] : ['', '', text(n)],
    );
}

async function startRunAction(incidentId, status, done) {
  const op = may('startRun');
  if (!op) return null;
  const { playbooks = [] } = await call('GET', '/api/playbooks');
  if (playbooks.length === 0) return null;
  const inputsBox = h('div', { class: 'inputs' });
  const select = h(
    'select',
    { id: 'run-playbook', required: true },
    playbooks.map((p) => h('option', { value: p.id }, p.id)),
  );
  const showInputs = () => {
    const pb = playbooks.find((p) => p.id === select.value);
    replace(
      inputsBox,
      Object.entries(pb?.inputs ?? {}).map(([name, spec]) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `in-${name}` }, `Input ${name}`, h('span', { class: 'hint' }, ` (${text(spec.type ?? 'string')})`)),
          h('input', {
            id: `in-${name}`,
            'data-input': name,
            type: 'text',
            value: spec.default === undefined ? '' : text(spec.default),
            autocomplete: 'off',
          }),
        ),
      ),
    );
  };
  select.addEventListener('change', showInputs);
  showInputs();
  const params = {
    get playbook() {
      return select.value;
    },
  };
  return actionButton(op, {
    label: 'Start playbook',
    params,
    fixed: { incident: incidentId, inputs: {} },
    status,
    extra: () => [h('div', { class: 'field' }, h('label', { for: 'run-playbook' }, 'Playbook'), select), inputsBox],
    collect: (form) => ({
      inputs: Object.fromEntries(
        [...form.querySelectorAll('[data-input]')].filter((el) => el.value !== '').map((el) => [el.dataset.input, el.value]),
      ),
    }),
    done: async (res) => {
      replace(status, 'Run started: ', h('a', { href: route('run', res.run) }, text(res.run)));
      await done();
    },
  });
}

export async function incidentView(main, { args, rerender }) {
  const id = args[0] ?? '';
  const [{ incident: doc, alerts = [] }, runs] = await Promise.all([
    call('GET', `/api/incidents/${encodeURIComponent(id)}`),
    may('listRuns') ? call('GET', withQuery('/api/runs', { incident: id, limit: 50 })).catch(() => ({ runs: [] })) : { runs: [] },
  ]);
  const i = doc.incident ?? {};
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const refreshSoon = () => setTimeout(() => location.hash.startsWith('#/incident') && rerender(), 1500);

  const buttons = [];
  for (const a of STATUS_ACTIONS) {
    const op = may(a.id);
    if (op && a.from.includes(i.status)) {
      buttons.push(
        actionButton(op, {
          label: a.label,
          params: { incident: i.id },
          danger: a.danger,
          status,
          done: (res) => {
            replace(status, `${a.label}: sent (${text(res.from)} → ${text(res.status)}); the incident builder applies it.`);
            refreshSoon();
          },
        }),
      );
    }
  }
  const known = new Set([...STATUS_ACTIONS.map((a) => a.id)]);
  for (const op of allowed()) {
    if (known.has(op.id) || op.method !== 'POST' || !op.path.startsWith('/api/incidents/{incident}/')) continue;
    buttons.push(
      actionButton(op, {
        label:
          LABELS[op.id] ??
          op.path
            .split('/')
            .pop()
            .replace(/^./, (c) => c.toUpperCase()),
        params: { incident: i.id },
        status,
        done: refreshSoon,
      }),
    );
  }
  const start = await startRunAction(i.id, status, async () => undefined);
  if (start) buttons.push(start);

  const e = i.entities ?? {};
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/queue' }, '← Incidents')),
    h('h1', { tabindex: '-1' }, text(i.title || i.id)),
    h('div', { class: 'row' }, badge('severity', i.severity), ' ', badge('status', i.status)),
    facts([
      ['Incident', i.id],
      ['Risk score', i.risk_score],
      ['First seen', when(i.first_seen ?? doc['@timestamp'])],
      ['Last seen', when(i.last_seen)],
      ['Alerts', i.alert_count ?? i.alerts?.length],
      ['Lead rule', i.rule ? `${text(i.rule.name)} (${text(i.rule.id)})` : ''],
      [
        'Assignee',
        i.assignee ? `${text(i.assignee)}${i.assignment ? ` (by ${text(i.assignment.by)} at ${when(i.assignment.at)})` : ''}` : '',
      ],
      [
        'Severity override',
        i.severity_override
          ? `${text(i.severity_override.level)} (computed ${text(i.severity_override.computed)}) by ${text(i.severity_override.by)}${i.severity_override.reason ? `: ${text(i.severity_override.reason)}` : ''}`
          : '',
      ],
      ['Merged into', i.merged_into ? h('a', { href: route('incidents', i.merged_into) }, text(i.merged_into)) : ''],
      [
        'Merged from',
        (i.merged ?? []).length
          ? h(
              'span',
              {},
              (i.merged ?? []).map((m, n) => [n ? ', ' : '', h('a', { href: route('incidents', m) }, text(m))]),
            )
          : '',
      ],
      ['Grouped by', i.group ? `${text(i.group.field)} = ${text(i.group.value)}` : ''],
      [
        'Last change',
        i.status_change
          ? `${text(i.status_change.by)} at ${when(i.status_change.at)}${i.status_change.reason ? `: ${text(i.status_change.reason)}` : ''}`
          : '',
      ],
    ]),
    buttons.length ? h('section', { class: 'actions', 'aria-label': 'Actions' }, buttons) : null,
    status,
    section(
      'Alert timeline',
      table(
        'Alerts, oldest first',
        ['Time', 'Rule', 'Level', 'Host', 'User', 'Source IP', 'Message'],
        alertRows(alerts),
        'No alerts found.',
      ),
    ),
    h(
      'div',
      { class: 'columns' },
      section(
        'Entities',
        facts([
          ['Hosts', e.hosts ?? []],
          ['Users', e.users ?? []],
          ['IPs', e.ips ?? []],
        ]),
      ),
      section('ATT&CK', facts(techniques(i, alerts))),
    ),
    section(
      'Risk',
      table(
        'Risk per entity',
        ['Field', 'Value', 'Score'],
        (i.entity_risk ?? []).map((r) => [text(r.field), text(r.value), text(r.score)]),
        'No entity risk.',
      ),
      table(
        'Contributing rules',
        ['Rule', 'Level', 'Weight', 'Alerts'],
        (i.rules ?? []).map((r) => [text(r.name), text(r.level), text(r.weight), text(r.count)]),
        '',
      ),
    ),
    section('Enrichments', table('Enrichments', ['From', 'Field', 'Value'], enrichments(i, alerts), 'No enrichments.')),
    section('Notes', table('Notes', ['When', 'By', 'Note'], notes(i), 'No notes.')),
    section(
      'Playbook runs',
      table(
        'Runs of this incident',
        ['Run', 'Playbook', 'Status', 'Trigger', 'Started'],
        (runs.runs ?? []).map((r) => [
          h('a', { href: route('run', r.id) }, text(r.id)),
          text(r.playbook),
          badge('status', r.status),
          text(r.trigger),
          when(r.created_at),
        ]),
        'No runs.',
      ),
    ),
  );
}
