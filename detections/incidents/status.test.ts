import { describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { OutRecord, Publisher } from '../../core/bus/index.js';
import { analystChangesQuery, EsStatusPoller, statusChangeFromHit, type StatusHit } from './es-status-poller.js';
import { decodeStatusChange, statusChange, statusChangeRecord, STATUS_VERBS } from './status.js';
import { incidentStatusTopic, incidentStatusTopicSpec } from './status-topic.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');

describe('status-change records', () => {
  const c = statusChange({ incidentId: 'inc-1', status: 'closed', at: NOW, by: 'cli:alice', reason: 'false positive', source: 'cli' });

  it('round-trip through a keyed record with a deterministic id', () => {
    expect(c).toEqual({
      id: expect.any(String),
      incident_id: 'inc-1',
      status: 'closed',
      at: '2025-03-01T12:00:00.000Z',
      by: 'cli:alice',
      reason: 'false positive',
      source: 'cli',
    });
    expect(
      statusChange({
        incidentId: 'inc-1',
        status: 'closed',
        at: NOW.toISOString(),
        by: 'cli:alice',
        reason: 'false positive',
        source: 'cli',
      }).id,
    ).toBe(c.id);
    expect(statusChange({ incidentId: 'inc-1', status: 'open', at: NOW, by: 'cli:alice', source: 'cli' }).id).not.toBe(c.id);
    const rec: OutRecord = statusChangeRecord(c);
    expect(rec).toMatchObject({ key: 'inc-1', headers: { 'vigil-incident-status': 'closed' }, timestamp: NOW.getTime() });
    expect(decodeStatusChange(Buffer.from(rec.value as string))).toEqual(c);
  });

  it.each([
    ['not JSON', 'nope'],
    ['not an object', '[1]'],
    ['no incident id', JSON.stringify({ ...c, incident_id: '' })],
    ['an unknown status', JSON.stringify({ ...c, status: 'resolved' })],
    ['a bad time', JSON.stringify({ ...c, at: 'soon' })],
    ['no source', JSON.stringify({ ...c, source: undefined })],
    ['a reason that is not text', JSON.stringify({ ...c, reason: 3 })],
  ])('refuses %s with INCIDENT_STATUS', (_name, raw) => {
    expect(() => decodeStatusChange(raw)).toThrow(expect.objectContaining({ code: 'INCIDENT_STATUS' }));
  });

  it.each([
    ['no incident id', { incidentId: '', status: 'open', at: NOW }],
    ['an unknown status', { incidentId: 'i', status: 'done', at: NOW }],
    ['a bad time', { incidentId: 'i', status: 'open', at: 'x' }],
  ] as const)('statusChange refuses %s', (_n, c2) => {
    expect(() => statusChange(Object.assign({ by: 'x', source: 'cli' }, c2) as never)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_STATUS' }),
    );
  });

  it('maps the CLI verbs', () => {
    expect(STATUS_VERBS).toMatchObject({ ack: 'acknowledged', close: 'closed', reopen: 'open' });
  });

  it('names and provisions a compacted topic under the prefix', () => {
    expect(incidentStatusTopic('t.x.')).toBe('t.x.vigil.incident-status');
    const spec = incidentStatusTopicSpec({
      brokers: [],
      clientId: 'v',
      topicPrefix: 'p.',
      groupPrefix: 'g',
      partitions: 3,
      replicationFactor: 1,
      eventsRetentionHours: 1,
      compression: 'none',
      gzipLevel: 1,
      maxRecordBytes: 1_000_000,
    });
    expect(spec).toMatchObject({ name: 'p.vigil.incident-status', partitions: 3, configs: { 'cleanup.policy': 'compact' } });
  });
});

describe('the Elasticsearch status poller', () => {
  const hit = (id: string, status: string, emitted: string | undefined, extra: Record<string, unknown> = {}, seq = 1): StatusHit => ({
    _id: id,
    _seq_no: seq,
    _primary_term: 1,
    _source: { incident: { id, status, ...extra }, ...(emitted ? { vigil: { emitted_status: emitted } } : {}) },
    sort: [id],
  });

  it.each([
    ['status equal to what Vigil wrote', hit('i', 'open', 'open'), null],
    ['an unknown status', hit('i', 'resolved', 'open'), null],
    [
      'closed by an analyst',
      hit('i', 'closed', 'open'),
      { incident_id: 'i', status: 'closed', by: 'kibana', at: NOW.toISOString(), source: 'elasticsearch' },
    ],
    [
      'with who, why and when',
      hit('i', 'acknowledged', 'open', { status_by: 'bob', status_reason: 'looking', status_changed_at: '2025-03-01T11:59:00Z' }),
      { status: 'acknowledged', by: 'bob', reason: 'looking', at: '2025-03-01T11:59:00.000Z' },
    ],
  ] as const)('a hit with %s', (_name, h, expected) => {
    const c = statusChangeFromHit(h, NOW);
    if (expected === null) expect(c).toBeNull();
    else expect(c).toMatchObject(expected);
  });

  it('queries "status differs from emitted status" as one term clause per status, no script', () => {
    const q = JSON.stringify(analystChangesQuery());
    expect(q).not.toMatch(/script/);
    for (const s of ['open', 'acknowledged', 'closed']) expect(q).toContain(`{"term":{"incident.status":"${s}"}}`);
    expect(q).toContain('"exists":{"field":"vigil.emitted_status"}');
  });

  /** A stub of `Client.search` serving pages of `docs` through search_after. */
  function stubEs(docs: () => StatusHit[]) {
    const calls: Array<Record<string, unknown>> = [];
    const es = {
      search: async (req: Record<string, unknown>) => {
        calls.push(req);
        const after = (req.search_after as string[] | undefined)?.[0];
        const all = docs().filter((d) => after === undefined || (d._id as string) > after);
        return { hits: { hits: all.slice(0, req.size as number) } };
      },
    } as unknown as Client;
    return { es, calls };
  }

  /** What was sent to the status topic `t`, and to the actions topic `a`, in the order sent. */
  function capture(): Publisher & { sent: OutRecord[]; audits: OutRecord[]; order: string[] } {
    const sent: OutRecord[] = [];
    const audits: OutRecord[] = [];
    const order: string[] = [];
    return {
      sent,
      audits,
      order,
      send: async (topic, records) => {
        if (records.length > 0) order.push(topic);
        (topic === 'a' ? audits : sent).push(...records);
      },
    };
  }

  it('pages through results, sends each change once per document version, forgets converged ones', async () => {
    let docs = [hit('a', 'closed', 'open'), hit('b', 'acknowledged', 'open'), hit('c', 'open', 'closed')];
    const { es, calls } = stubEs(() => docs);
    const pub = capture();
    const poller = new EsStatusPoller({
      es,
      index: 'x-incidents',
      publisher: pub,
      topic: 't',
      actionsTopic: 'a',
      pageSize: 2,
      now: () => NOW,
    });

    expect((await poller.pollOnce()).map((c) => [c.incident_id, c.status])).toEqual([
      ['a', 'closed'],
      ['b', 'acknowledged'],
      ['c', 'open'],
    ]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ index: 'x-incidents', seq_no_primary_term: true, ignore_unavailable: true });
    expect(pub.sent.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    // Each change's audit record, after the changes: the action the API writes, who, from what to what, when.
    expect(pub.order).toEqual(['t', 'a']);
    expect(pub.audits.map((r) => JSON.parse(r.value as string))).toEqual(
      [
        ['a', 'open', 'closed'],
        ['b', 'open', 'acknowledged'],
        ['c', 'closed', 'open'],
      ].map(([id, from, to]) =>
        expect.objectContaining({
          '@timestamp': NOW.toISOString(),
          event: expect.objectContaining({ action: 'api.incident.status', dataset: 'vigil.actions' }),
          user: { name: 'kibana', roles: ['kibana'] },
          vigil: expect.objectContaining({ incident: { id }, api: { caller: 'kibana', role: 'kibana', details: { from, to } } }),
        }),
      ),
    );

    // Not applied yet: nothing is sent again.
    expect(await poller.pollOnce()).toEqual([]);
    // b converged; a changed again (a new document version); c is unchanged.
    docs = [hit('a', 'open', 'closed', {}, 5), hit('c', 'open', 'closed')];
    expect((await poller.pollOnce()).map((c) => [c.incident_id, c.status])).toEqual([['a', 'open']]);
    // b diverges again later: sent again, since it had converged in between.
    docs = [hit('b', 'closed', 'acknowledged', {}, 9)];
    expect((await poller.pollOnce()).map((c) => c.incident_id)).toEqual(['b']);
  });

  it('keeps polling after a failed search', async () => {
    let fail = true;
    const es = {
      search: async () => {
        if (fail) {
          fail = false;
          throw new Error('connection refused');
        }
        return { hits: { hits: [hit('a', 'closed', 'open')] } };
      },
    } as unknown as Client;
    const pub = capture();
    const poller = new EsStatusPoller({ es, index: 'i', publisher: pub, topic: 't', actionsTopic: 'a', intervalMs: 10 }).start();
    await new Promise((r) => setTimeout(r, 100));
    await poller.stop();
    expect(pub.sent.map((r) => r.key)).toEqual(['a']);
  });
});
