import type { Client } from '@elastic/elasticsearch';
import type { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../config/schema.js';
import { expectedAlerts, type Expectation } from './expect.js';
import type { Receiver } from './receiver.js';

const TOPICS = ['events', 'alerts', 'incidents', 'actions'] as const;

async function countDocs(es: Client, index: string): Promise<number> {
  const exists = await es.indices.exists({ index });
  if (!exists) return 0;
  await es.indices.refresh({ index });
  return (await es.count({ index })).count;
}

/** Waits until Elasticsearch holds every expected event and incident and the webhook was called. */
export async function waitUntil(opts: {
  es: Client;
  config: VigilConfig;
  expected: Expectation;
  receiver: Receiver;
  timeoutMs: number;
}): Promise<boolean> {
  const { es, config, expected, receiver } = opts;
  const idx = (t: string) => `${config.elasticsearch.indexPrefix}-${t}`;
  const deadline = Date.now() + opts.timeoutMs;
  const wantIncidents = expected.incidents;
  while (Date.now() < deadline) {
    const [events, incidents, actions] = await Promise.all([
      countDocs(es, idx('events')),
      countDocs(es, idx('incidents')),
      countDocs(es, idx('actions')),
    ]);
    const alerts = await countDocs(es, idx('alerts'));
    if (
      events >= expected.events &&
      alerts >= expectedAlerts(expected) &&
      incidents >= wantIncidents &&
      receiver.calls.length > 0 &&
      actions > 0
    )
      return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

interface Hit<T> {
  _source?: T;
}

/** Prints what happened: events, dead letters, alerts, incidents, playbook steps, ES documents. */
export async function printSummary(opts: {
  es: Client;
  bus: Bus;
  config: VigilConfig;
  expected: Expectation;
  receiver: Receiver;
}): Promise<void> {
  const { es, bus, config, expected, receiver } = opts;
  const idx = (t: string) => `${config.elasticsearch.indexPrefix}-${t}`;
  const counts = Object.fromEntries(await Promise.all(TOPICS.map(async (t) => [t, await countDocs(es, idx(t))] as const)));
  // Read, not counted from offsets: transactional stages leave commit markers in the topic.
  const deadLetters = (await bus.read(bus.topics.deadletter, { idleMs: 1500, timeoutMs: 15_000 })).length;
  const h = (s: string) => console.log(`\n\x1b[1m${s}\x1b[0m`);

  h('Ingested');
  console.log(`  ${counts.events} ECS events in ${idx('events')} (expected ${expected.events})`);
  console.log(`  ${deadLetters} records on ${bus.topics.deadletter} (expected ${expected.deadLetters}): raw bytes kept with the reason`);

  h('Detected');
  for (const [id, r] of expected.alertsByRule) console.log(`  ${r.level.padEnd(8)} ${r.title} ×${r.count}  (${id})`);

  h(`Incidents in Elasticsearch (${counts.incidents}, expected ${expected.incidents}: alerts grouped by entity)`);
  const incidents = await es.search<{ incident: { id: string; title: string; severity: string; status: string } }>({
    index: idx('incidents'),
    size: 8,
    sort: [{ 'incident.risk_score': { order: 'desc' } }, { '@timestamp': { order: 'asc' } }],
  });
  const total = typeof incidents.hits.total === 'number' ? incidents.hits.total : incidents.hits.total?.value;
  for (const hit of incidents.hits.hits as Hit<{ incident: { id: string; title: string; severity: string; status: string } }>[]) {
    const i = hit._source?.incident;
    if (i) console.log(`  ${i.severity.padEnd(8)} ${i.title}  [${i.status}] ${i.id}`);
  }
  if ((total ?? 0) > incidents.hits.hits.length) console.log(`  … ${(total ?? 0) - incidents.hits.hits.length} more`);

  h('Playbook steps (vigil.actions)');
  const actions = await es.search<Record<string, unknown>>({ index: idx('actions'), size: 50, sort: [{ '@timestamp': { order: 'asc' } }] });
  for (const hit of actions.hits.hits as Hit<Record<string, unknown>>[]) {
    const a = hit._source as
      { event?: { action?: string; outcome?: string }; vigil?: { playbook?: { id?: string; step?: string } } } | undefined;
    if (!a) continue;
    console.log(
      `  ${String(a.event?.action ?? '').padEnd(28)} ${String(a.event?.outcome ?? '').padEnd(8)} ${a.vigil?.playbook?.id ?? ''}${a.vigil?.playbook?.step ? ` / ${a.vigil.playbook.step}` : ''}`,
    );
  }
  console.log(`  the webhook received ${receiver.calls.length} call(s): ${receiver.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);

  h('Elasticsearch documents');
  for (const t of TOPICS) console.log(`  ${idx(t).padEnd(24)} ${counts[t]}`);
}
