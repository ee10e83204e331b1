/**
 * The responder console in a real browser (Debian's Chromium, headless, driven by playwright-core)
 * against the API on the real Kafka, Redis and Elasticsearch: log in with a token, acknowledge an
 * incident and find the change on `vigil.incident-status` (what the incident builder reads) and
 * `vigil.actions`, approve a waiting playbook step and find the decision on `vigil.actions`;
 * hostile values from event data shown as text and never run; a viewer offered no change at all;
 * a cross-site form refused.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeAuditDocument } from '../../api/index.js';
import type { InRecord } from '../../core/bus/index.js';
import { decodeStatusChange } from '../../detections/incidents/index.js';
import { runIdOf } from '../../playbooks/index.js';
import { esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { launchChromium } from '../support/browser.js';
import { startConsoleApi, type ConsoleApi, type TestRole } from '../support/console-api.js';
import { listenLocal, type LocalHttp } from '../support/local-http.js';
import { HIGH, find, incident } from '../support/playbooks.js';
import { waitFor } from '../support/wait.js';

/** Values an attacker controls through the events they cause (a user name, a URL, a command line). */
const HOSTILE = {
  title: '<img src=x onerror="window.__pwned=1;alert(1)">',
  rule: '<script>window.__pwned=2</script>',
  host: 'javascript:window.__pwned=3',
  user: '"><svg onload=window.__pwned=4>',
  message: '<iframe src="javascript:window.top.__pwned=5"></iframe>',
};

const doc = (id: string, over: Record<string, unknown> = {}, at = '2026-01-02T03:04:05.000Z') => ({
  '@timestamp': at,
  ...incident(id, { first_seen: at, last_seen: at, alerts: [`alert-${id}`], risk_score: 73, ...over }),
  vigil: { id },
});

const approvalPlaybook = [
  'id: console-approve',
  HIGH,
  'steps:',
  '  - ref: contain',
  '    approval: { prompt: "Contain the host?", timeout: 10m }',
].join('\n');

let c: ConsoleApi;
let browser: Browser;
let evil: LocalHttp;
const pageErrors: string[] = [];
const dialogs: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

async function login(role: TestRole, hash = ''): Promise<Page> {
  const page = await newPage();
  await page.goto(`${c.consoleUrl}${hash}`);
  await page.getByLabel('API token').fill(c.token[role]);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#who').getByText(`${role}-bot (${role})`).waitFor();
  return page;
}

const auditDocs = (rs: InRecord[]) => rs.map((r) => JSON.parse(r.value.toString('utf8')) as ChangeAuditDocument);

beforeAll(async () => {
  c = await startConsoleApi({
    name: 'console',
    incidents: [
      { id: 'inc-ack', doc: doc('inc-ack', { title: 'Brute force on web-01' }, '2026-01-02T03:00:00.000Z') },
      { id: 'inc-run', doc: doc('inc-run', { title: 'Sudo to root on db-02' }, '2026-01-02T02:00:00.000Z') },
      { id: 'inc-low', doc: doc('inc-low', { title: 'Port scan', severity: 'low', risk_score: 99 }, '2026-01-02T01:00:00.000Z') },
      {
        id: 'inc-evil',
        doc: doc(
          'inc-evil',
          {
            title: HOSTILE.title,
            rule: { id: 'r-evil', name: HOSTILE.rule, level: 'high', tags: ['attack.t1059'] },
            entities: { hosts: [HOSTILE.host], users: [HOSTILE.user], ips: ['203.0.113.66'] },
            notes: [{ id: 'n-1', at: '2026-01-02T03:05:00Z', by: HOSTILE.user, text: HOSTILE.message }],
            enrichments: {
              virustotal: { at: '2026-01-02T03:06:00Z', by: 'playbook', value: { url: HOSTILE.host, verdict: HOSTILE.title } },
            },
            assignee: HOSTILE.rule,
          },
          '2026-01-01T00:00:00.000Z',
        ),
      },
    ],
    alerts: [
      {
        id: 'alert-inc-evil',
        doc: {
          '@timestamp': '2026-01-01T00:00:00Z',
          vigil: { id: 'alert-inc-evil' },
          rule: { name: HOSTILE.rule, level: 'high' },
          host: { name: HOSTILE.host },
          user: { name: HOSTILE.user },
          message: HOSTILE.message,
        },
      },
    ],
    playbooks: { 'a.yml': approvalPlaybook },
  });
  browser = await launchChromium();
  // Another site: its page posts a form to the API, as a CSRF attempt would.
  evil = await listenLocal((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<form id="f" method="POST" enctype="text/plain" action="${c.api.url}/api/incidents/inc-low/ack">` +
        `<input name='{"reason":"csrf","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`,
    );
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await evil?.close();
  await c?.close();
}, 60_000);

describe('the console in Chromium', () => {
  it('logs in with a token kept in sessionStorage, never a cookie, and lists the queue', async () => {
    const page = await login('analyst');
    const rows = page.locator('table.queue tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('Brute force on web-01');
    expect(await page.evaluate(() => sessionStorage.getItem('vigil.token'))).toBe(c.token.analyst);
    expect(await page.context().cookies()).toEqual([]);
    // Sorted by risk on the server: the oldest incident, with the highest score, comes first.
    await page.getByLabel('Sort').selectOption('risk');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.first().textContent()).toContain('Port scan');
    await page.getByLabel('Sort').selectOption('newest');
    await page.getByRole('checkbox', { name: 'low' }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Port scan');
    await page.close();
  });

  it('a wrong token is refused with the API’s own error text', async () => {
    const page = await newPage();
    await page.goto(c.consoleUrl);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('the API token is not valid');
    await page.close();
  });

  it('acknowledges an incident: the change reaches vigil.incident-status and vigil.actions, by the caller', async () => {
    const page = await login('analyst', '#/incidents/inc-ack');
    await page.getByRole('heading', { name: 'Brute force on web-01' }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('form', { name: 'Acknowledge' }).getByLabel('Reason').fill('on it');
    await page.getByRole('form', { name: 'Acknowledge' }).getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('open → acknowledged');

    const change = await c.readUntil(c.statusTopic, (rs) => rs.map(decodeStatusChange).find((x) => x.incident_id === 'inc-ack'));
    expect(change).toMatchObject({ status: 'acknowledged', by: 'api:analyst-bot', reason: 'on it', source: 'api' });
    const audit = await c.readUntil(c.actionsTopic, (rs) =>
      auditDocs(rs).find((d) => d.event.action === 'api.incident.status' && d.vigil.incident?.id === 'inc-ack'),
    );
    expect(audit.user).toEqual({ name: 'analyst-bot', roles: ['analyst'] });
    await page.close();
  });

  it('adds a note and assigns through forms built from the OpenAPI document; the changes reach vigil.incident-status', async () => {
    const page = await login('analyst', '#/incidents/inc-ack');
    await page.getByRole('heading', { name: 'Brute force on web-01' }).waitFor();
    for (const [button, field, value] of [
      ['Add note', 'Text', 'seen from 203.0.113.45 before'],
      ['Assign', 'Assignee', 'alice'],
    ] as const) {
      await page.getByRole('button', { name: button, exact: true }).click();
      const form = page.getByRole('form', { name: button });
      await form.getByLabel(field).fill(value);
      await form.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`${button}: done.`);
      const record = await c.readUntil(c.statusTopic, (rs) =>
        rs.map((r) => r.value.toString('utf8')).find((v) => v.includes('inc-ack') && v.includes(value)),
      );
      expect(record).toContain('api:analyst-bot');
    }
    await page.close();
  });

  it('shows the API’s error text when a call is refused (close without a reason is a 400 naming the field)', async () => {
    const page = await login('analyst', '#/incidents/inc-low');
    await page.getByRole('button', { name: 'Close' }).click();
    const form = page.getByRole('form', { name: 'Close' });
    // The browser would refuse the empty required field itself; take that away to see the API answer.
    await form.getByLabel('Reason').evaluate((el) => el.removeAttribute('required'));
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Close failed: reason is required');
    await page.close();
  });

  it('approves a waiting playbook step from the approvals inbox: the decision reaches vigil.actions', async () => {
    await c.h.responder.dispatch(incident('inc-run'));
    const runId = runIdOf('console-approve', 'inc-run');
    await waitFor('approval requested', async () => find(c.h.audit, 'playbook.approval.requested', { run: runId })[0], 15_000, 25);

    const page = await login('responder', '#/approvals');
    await page.getByRole('button', { name: 'Approve contain' }).click();
    const form = page.getByRole('form', { name: 'Approve contain' });
    await form.getByLabel('Reason').fill('known attacker');
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Approve contain: done.');

    const audit = await c.readUntil(c.actionsTopic, (rs) =>
      auditDocs(rs).find((d) => d.event.action === 'api.playbook.step.approve' && d.vigil.playbook?.run_id === runId),
    );
    expect(audit.user).toEqual({ name: 'responder-bot', roles: ['responder'] });
    expect(audit.vigil.api.details).toEqual({ decision: 'approved', reason: 'known attacker' });
    expect(audit.vigil.playbook).toEqual({ id: 'console-approve', run_id: runId, step: 'contain' });

    // The run timeline shows the step approved, with who decided.
    await page.goto(`${c.consoleUrl}#/run/${encodeURIComponent(runId)}`);
    await expect.poll(() => page.locator('ol.timeline').textContent(), { timeout: 15_000 }).toContain('approved by api:responder-bot');
    await page.close();
  });

  it('starts a playbook run from the incident page, follows it to its timeline and cancels it', async () => {
    // inc-run is known to the responder: the approval test above dispatched it.
    const page = await login('responder', '#/incidents/inc-run');
    await page.getByRole('button', { name: 'Start playbook' }).click();
    const form = page.getByRole('form', { name: 'Start playbook' });
    await form.getByLabel('Playbook').selectOption('console-approve');
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').getByRole('link').click();
    await page.getByRole('heading', { name: 'Run of console-approve' }).waitFor();
    const runId = decodeURIComponent(new URL(page.url()).hash.replace('#/run/', ''));
    await expect.poll(() => page.locator('ol.timeline').textContent(), { timeout: 15_000 }).toContain('awaiting approval');
    expect(await page.locator('main').textContent()).toContain('api:responder-bot');

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('form', { name: 'Cancel run' }).getByLabel('Reason').fill('false positive');
    await page.getByRole('form', { name: 'Cancel run' }).getByRole('button', { name: 'Send' }).click();
    const audit = await c.readUntil(c.actionsTopic, (rs) => {
      const mine = auditDocs(rs).filter((d) => d.vigil.playbook?.run_id === runId);
      return mine.some((d) => d.event.action === 'api.playbook.run.cancel') ? mine : undefined;
    });
    expect(audit.map((d) => d.event.action).sort()).toEqual(['api.playbook.run.cancel', 'api.playbook.run.start']);
    expect(audit.find((d) => d.event.action === 'api.playbook.run.cancel')?.vigil.api.details).toEqual({ reason: 'false positive' });
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('false positive');
    await page.close();
  });

  it('shows hostile values from event data as text and runs none of them', async () => {
    const page = await login('admin', '#/incidents/inc-evil');
    const h1 = page.getByRole('heading', { level: 1 });
    await expect.poll(() => h1.textContent()).toBe(HOSTILE.title);
    const main = page.locator('main');
    const shown = (await main.textContent()) ?? '';
    for (const v of Object.values(HOSTILE)) expect(shown, v).toContain(v);
    // Nothing the data held became an element or a live link.
    expect(await main.locator('img, script, svg, iframe').count()).toBe(0);
    const hrefs = await main.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.every((href) => href.startsWith('#'))).toBe(true);
    // The queue renders the same values in its rows.
    await page.goto(`${c.consoleUrl}#/queue`);
    await expect.poll(() => page.locator('table.queue').textContent()).toContain(HOSTILE.title);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('offers a viewer no change at all: no action button on the incident, the waiting run, or the approvals inbox', async () => {
    // A run waiting for a decision, so that the run page and the inbox have something a responder could act on.
    const started = await fetch(`${c.api.url}/api/playbooks/console-approve/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token.responder}`, 'content-type': 'application/json' },
      body: JSON.stringify({ incident: 'inc-run' }),
    });
    const { run: runId } = (await started.json()) as { run: string };
    await waitFor('approval requested', async () => find(c.h.audit, 'playbook.approval.requested', { run: runId })[0], 15_000, 25);
    const runHash = `#/run/${encodeURIComponent(runId)}`;

    const page = await login('viewer', '#/incidents/inc-low');
    await page.getByRole('heading', { name: 'Port scan' }).waitFor();
    expect(await page.locator('main button').count()).toBe(0);
    await page.goto(`${c.consoleUrl}${runHash}`);
    await expect.poll(() => page.locator('ol.timeline').textContent()).toContain('awaiting approval');
    expect(await page.locator('main button').count()).toBe(0);
    await page.goto(`${c.consoleUrl}#/approvals`);
    await expect.poll(() => page.locator('main table').textContent()).toContain(runId);
    expect(await page.locator('main button').count()).toBe(0);

    // The same pages offer the buttons to the roles that may use them (so the counts above can fail).
    const analyst = await login('analyst', '#/incidents/inc-low');
    await analyst.getByRole('heading', { name: 'Port scan' }).waitFor();
    expect(await analyst.getByRole('button', { name: 'Acknowledge' }).count()).toBe(1);
    expect(await analyst.getByRole('button', { name: 'Start playbook' }).count()).toBe(0);
    const responder = await login('responder', runHash);
    await expect
      .poll(() => responder.locator('main button:visible').allTextContents())
      .toEqual(['Cancel run', 'Approve contain', 'Deny contain']);
    for (const p of [page, analyst, responder]) await p.close();
  });

  it('refreshes the queue by itself: an incident indexed after the page loaded appears without a reload', async () => {
    const page = await login('viewer', '#/queue');
    const table = page.locator('table.queue');
    await expect.poll(() => table.textContent()).toContain('Brute force on web-01');
    const es = esClient(c.config.elasticsearch);
    await indexDocuments(es, `${c.config.elasticsearch.indexPrefix}-incidents`, [
      { id: 'inc-new', doc: doc('inc-new', { title: 'Fresh incident on vpn-07' }, '2026-01-03T00:00:00.000Z') },
    ]);
    await es.indices.refresh({ index: `${c.config.elasticsearch.indexPrefix}-incidents` });
    await es.close();
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain('Fresh incident on vpn-07');
    await page.close();
  });

  it('refuses a cross-site form POST: no Authorization header rides along, so the API answers 401', async () => {
    const page = await newPage();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/incidents/inc-low/ack'));
    await page.goto(`${evil.base}/`);
    const res = await answer;
    expect(res.status()).toBe(401);
    expect(await res.text()).toContain('API_UNAUTHENTICATED');
    await page.close();
  });
});
