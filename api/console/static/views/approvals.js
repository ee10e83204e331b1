/** The approvals inbox: every running run's approval steps that wait for a decision. */
import { call, withQuery } from '../api.js';
import { badge, h, replace, route, table, text, when } from '../dom.js';
import { decisionButtons } from './decide.js';

const REFRESH_MS = 5000;

export async function approvalsView(main) {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const box = h('div', {});
  main.append(h('h1', { tabindex: '-1' }, 'Approvals'), status, box);
  const load = async () => {
    const { runs = [] } = await call('GET', withQuery('/api/runs', { status: 'running', limit: 100 }));
    const shown = await Promise.all(runs.map((r) => call('GET', `/api/runs/${encodeURIComponent(r.id)}`).catch(() => undefined)));
    const waiting = shown
      .filter(Boolean)
      .flatMap((run) => (run.steps ?? []).filter((s) => s.status === 'awaiting_approval').map((s) => ({ run, s })));
    replace(
      box,
      table(
        'Steps waiting for approval',
        ['Waiting since', 'Playbook', 'Incident', 'Run', 'Step', 'Status', 'Decide'],
        waiting.map(({ run, s }) => [
          when(s.began_at),
          text(run.playbook),
          h('a', { href: route('incidents', run.incident) }, text(run.incident)),
          h('a', { href: route('run', run.id) }, text(run.id)),
          text(s.ref),
          badge('status', s.status),
          h(
            'div',
            { class: 'actions' },
            decisionButtons(run.id, s.ref, status, () => load()),
          ),
        ]),
        'Nothing waits for approval.',
      ),
    );
  };
  await load();
  const timer = setInterval(() => {
    if (!document.hidden && !main.querySelector('form.action-form:not([hidden])'))
      load().catch((err) => replace(status, `Refresh failed: ${err.message}`));
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
