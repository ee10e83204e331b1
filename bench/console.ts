/**
 * bench/console: time until the responder console's incident queue is usable, in Debian's
 * Chromium (headless, playwright-core), with N open incidents in the real local Elasticsearch
 * (the target: under 1 s with 10,000). "Usable" is the page's own mark: the first rows are on
 * the page and their links answer (it then opens the first incident to check that they do).
 * Each run is a new browser context, so nothing is cached.
 *
 *   node --import tsx bench/console.ts [--incidents 10000] [--runs 5]
 *   node --import tsx bench/console.ts --screenshots docs/screenshots   (scripts/console-screenshots.sh)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { startConsoleApi, type ConsoleApi, type Seed } from '../test/support/console-api.js';
import { HIGH } from '../test/support/playbooks.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    screenshots: { type: 'string' },
  },
});

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const RULES = [
  ['Brute force against SSH', 'attack.t1110', 'attack.credential_access'],
  ['Sudo to root by a service account', 'attack.t1548.003', 'attack.privilege_escalation'],
  ['PowerShell download cradle', 'attack.t1059.001', 'attack.execution'],
  ['Outbound connection to a known C2 address', 'attack.t1071', 'attack.command_and_control'],
  ['New local administrator', 'attack.t1136.001', 'attack.persistence'],
  ['Port scan from an internal host', 'attack.t1046', 'attack.discovery'],
] as const;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** One incident as the builder writes it. */
function incidentSeed(i: number, status = 'open'): Seed {
  const [name, technique, tactic] = RULES[i % RULES.length] as (typeof RULES)[number];
  const severity = SEVERITIES[(i * 7) % 4] as string;
  const host = `${['web', 'db', 'mail', 'vpn', 'ws'][i % 5]}-${String(i % 97).padStart(2, '0')}`;
  const user = ['deploy', 'alice', 'svc-backup', 'bob', 'root'][i % 5] as string;
  const ip = `203.0.113.${i % 250}`;
  const first = ago(12 + i * 3);
  const id = `inc-${i.toString(36).padStart(5, '0')}`;
  return {
    id,
    doc: {
      '@timestamp': first,
      incident: {
        id,
        title: `${name} on ${host}`,
        severity,
        status,
        risk_score: 21 + ((i * 13) % 80),
        rule: { id: `rule-${i % RULES.length}`, name, level: severity, tags: [technique, tactic] },
        threat: { technique: [technique.slice(7).toUpperCase()], tactic: [tactic.slice(7)] },
        first_seen: first,
        last_seen: ago(i * 3),
        alerts: [`${id}-a0`, `${id}-a1`, `${id}-a2`],
        alert_count: 3 + (i % 17),
        entities: { hosts: [host], users: [user], ips: [ip] },
        entity_risk: [
          { field: 'host.name', value: host, score: 47 },
          { field: 'user.name', value: user, score: 21 },
        ],
        rules: [{ id: `rule-${i % RULES.length}`, name, level: severity, weight: 47, count: 3 + (i % 17) }],
        group: { field: 'host.name', value: host, window_start: first },
        version: 1,
      },
      vigil: { id },
    },
  };
}

/** The showcase incident of the screenshots: alerts, an assignee, notes, an enrichment. */
function showcase(): { incident: Seed; alerts: Seed[] } {
  const base = incidentSeed(0);
  const inc = base.doc.incident as Record<string, unknown>;
  Object.assign(inc, {
    title: 'Brute force against SSH and 2 more on web-00',
    severity: 'critical',
    status: 'acknowledged',
    risk_score: 167,
    assignee: 'alice',
    assignment: { by: 'api:lead', at: ago(8) },
    threat: { technique: ['T1110', 'T1548.003', 'T1071'], tactic: ['credential_access', 'privilege_escalation', 'command_and_control'] },
    rules: [
      { id: 'rule-0', name: 'Brute force against SSH', level: 'high', weight: 47, count: 38 },
      { id: 'rule-1', name: 'Sudo to root by a service account', level: 'high', weight: 47, count: 2 },
      { id: 'rule-3', name: 'Outbound connection to a known C2 address', level: 'critical', weight: 73, count: 1 },
    ],
    entity_risk: [
      { field: 'host.name', value: 'web-00', score: 167 },
      { field: 'source.ip', value: '203.0.113.9', score: 47 },
    ],
    entities: { hosts: ['web-00'], users: ['deploy', 'root'], ips: ['203.0.113.9', '198.51.100.23'] },
    notes: [
      { id: 'n1', by: 'api:alice', at: ago(7), text: 'Source IP is on the blocklist feed since yesterday; checking the sudo.' },
      { id: 'n2', by: 'api:alice', at: ago(3), text: 'Deploy key rotated. Waiting for approval to isolate the host.' },
    ],
    enrichments: {
      abuseipdb: { at: ago(10), by: 'playbook:enrich-ip', value: { ip: '203.0.113.9', confidence: 100, reports: 412, country: 'ZZ' } },
    },
    status_change: { at: ago(8), by: 'api:alice', source: 'api' },
  });
  const alerts = [
    ['Brute force against SSH', 'high', 'web-00', 'deploy', '203.0.113.9', 'sshd: 38 failed logins for deploy in 60 s'],
    ['Sudo to root by a service account', 'high', 'web-00', 'deploy', '', 'sudo: deploy : COMMAND=/bin/bash'],
    [
      'Outbound connection to a known C2 address',
      'critical',
      'web-00',
      'root',
      '198.51.100.23',
      'connection to 198.51.100.23:443 (feed: c2-ips)',
    ],
  ].map(([rule, level, host, user, ip, message], n) => ({
    id: `${base.id}-a${n}`,
    doc: {
      '@timestamp': ago(30 - n * 9),
      vigil: { id: `${base.id}-a${n}` },
      rule: { name: rule, level },
      host: { name: host },
      user: { name: user },
      ...(ip ? { source: { ip } } : {}),
      message,
    },
  }));
  return { incident: base, alerts };
}

const approvalPlaybook = [
  'id: isolate-host',
  HIGH,
  'steps:',
  '  - ref: approve_isolation',
  '    approval: { prompt: "Isolate the host?", timeout: 1h }',
].join('\n');

async function withToken(browser: Browser, c: ConsoleApi, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((t) => sessionStorage.setItem('vigil.token', t), c.token.admin);
  return context;
}

async function bench(browser: Browser, c: ConsoleApi, runs: number, total: number) {
  const usable: number[] = [];
  const opened: number[] = [];
  for (let r = 0; r < runs; r++) {
    const context = await withToken(browser, c);
    const page = await context.newPage();
    await page.goto(`${c.consoleUrl}#/queue`);
    await page.waitForFunction(() => document.body.dataset.ready === 'queue', undefined, { timeout: 30_000 });
    usable.push(await page.evaluate(() => performance.getEntriesByName('vigil:queue-usable')[0]?.startTime ?? NaN));
    const t = Date.now();
    await page.locator('table.queue tbody a').first().click();
    await page.locator('main h1').filter({ hasNotText: 'Incidents' }).waitFor();
    opened.push(Date.now() - t);
    await context.close();
  }
  const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  const sorted = [...usable].sort((a, b) => a - b);
  console.log(
    `bench/console: queue page in Chromium (headless), ${total.toLocaleString('en')} open incidents in Elasticsearch, ${runs} cold runs`,
  );
  console.log(
    `  time to usable (navigation start → first 50 rows rendered, links live): ${fmt(usable)} ms; median ${Math.round(sorted[Math.floor(runs / 2)] as number)} ms`,
  );
  console.log(`  then click → incident page rendered: ${fmt(opened)} ms`);
}

async function screenshots(browser: Browser, c: ConsoleApi, dir: string, incidentId: string) {
  mkdirSync(dir, { recursive: true });
  const context = await withToken(browser, c, { width: 1280, height: 860 });
  const page = await context.newPage();
  await page.goto(`${c.consoleUrl}#/queue?status=open,acknowledged`);
  await page.waitForFunction(() => document.body.dataset.ready === 'queue');
  await page.screenshot({ path: join(dir, 'console-queue.png') });
  await page.goto(`${c.consoleUrl}#/incidents/${incidentId}`);
  await page.locator('text=Playbook runs').waitFor();
  await page.locator('ol, table').last().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dir, 'console-incident.png'), fullPage: true });
  await context.close();
  console.log(`bench/console: wrote ${join(dir, 'console-queue.png')} and ${join(dir, 'console-incident.png')}`);
}

const shots = values.screenshots;
const total = shots ? 40 : num(values, 'incidents');
const show = showcase();
const seeds = Array.from({ length: total }, (_, i) =>
  i === 0 ? show.incident : incidentSeed(i, shots && i % 5 === 3 ? 'acknowledged' : 'open'),
);
const c = await startConsoleApi({
  name: 'bench-console',
  incidents: seeds,
  alerts: show.alerts,
  playbooks: { 'isolate.yml': approvalPlaybook },
});
const browser = await launchChromium();
try {
  if (shots) {
    await c.h.responder.dispatch(show.incident.doc as { incident: Record<string, unknown> });
    await new Promise((r) => setTimeout(r, 1500));
    await screenshots(browser, c, shots, show.incident.id);
  } else await bench(browser, c, num(values, 'runs'), total);
} finally {
  await browser.close();
  await c.close();
}
