/** A playbook run: its steps in the order they began, with states and times; refreshed while it runs. */
import { call } from '../api.js';
import { actionButton } from '../actions.js';
import { badge, facts, h, route, text, when } from '../dom.js';
import { may } from '../session.js';
import { decisionButtons } from './decide.js';

const REFRESH_MS = 3000;

function stepItem(runId, s, status, rerender) {
  const d = s.decision;
  return h(
    'li',
    { class: `step step-${s.status === 'awaiting_approval' ? 'waiting' : 'plain'}` },
    h(
      'div',
      { class: 'row' },
      h('strong', {}, text(s.ref)),
      ' ',
      badge('status', s.status),
      s.action ? h('span', { class: 'hint' }, ` ${text(s.action)}`) : null,
    ),
    facts([
      ['Began', when(s.began_at)],
      ['Settled', when(s.settled_at)],
      ['Attempt', s.attempt],
      ['Decision', d ? `${text(d.decision)} by ${text(d.by)} at ${when(d.at)}${d.reason ? `: ${text(d.reason)}` : ''}` : ''],
      ['Reason', s.reason],
      ['Error', s.error],
      ['Result', s.result === null || s.result === undefined ? '' : h('pre', {}, JSON.stringify(s.result, null, 2))],
    ]),
    s.status === 'awaiting_approval' ? h('div', { class: 'actions' }, decisionButtons(runId, s.ref, status, rerender)) : null,
  );
}

export async function runView(main, { args, rerender }) {
  const id = args[0] ?? '';
  const run = await call('GET', `/api/runs/${encodeURIComponent(id)}`);
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const cancel = may('cancelRun');
  main.append(
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: '#/queue' }, '← Incidents'),
      ' · ',
      h('a', { href: route('incidents', run.incident) }, `Incident ${text(run.incident)}`),
    ),
    h('h1', { tabindex: '-1' }, `Run of ${text(run.playbook)}`),
    h('div', { class: 'row' }, badge('status', run.status)),
    facts([
      ['Run', run.id],
      ['Trigger', run.trigger],
      ['By', run.by],
      ['Created', when(run.created_at)],
      ['Deadline', when(run.deadline)],
      ['Ended', when(run.ended_at)],
      ['End reason', run.end_reason],
      [
        'Cancelled',
        run.cancel ? `by ${text(run.cancel.by)} at ${when(run.cancel.at)}${run.cancel.reason ? `: ${text(run.cancel.reason)}` : ''}` : '',
      ],
      ['Inputs', run.inputs && Object.keys(run.inputs).length ? run.inputs : ''],
    ]),
    cancel && run.status === 'running'
      ? h(
          'section',
          { class: 'actions', 'aria-label': 'Actions' },
          actionButton(cancel, { label: 'Cancel run', params: { run: run.id }, danger: true, status, done: rerender }),
        )
      : null,
    status,
    h(
      'section',
      { 'aria-labelledby': 'steps' },
      h('h2', { id: 'steps' }, 'Steps'),
      h(
        'ol',
        { class: 'timeline' },
        (run.steps ?? []).map((s) => stepItem(run.id, s, status, rerender)),
      ),
    ),
  );
  if (run.status !== 'running') return undefined;
  // Re-render only while no form is open, so a half-typed reason is never thrown away.
  const timer = setInterval(() => {
    if (!document.hidden && !main.querySelector('form.action-form:not([hidden])')) rerender();
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
