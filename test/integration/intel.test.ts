/**
 * Threat intelligence in `vigil run`, on REAL Kafka and Redis: a feed from vigil.yaml reaches
 * ingest, which adds `threat.enrichments` to the events it publishes, and the shipped rule
 * (the `intel` modifier) alerts on the event; a feed refresh changes both without a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { withSyslogDefaults } from '../../ingest/inputs/syslog/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { SERVICES, testConfig } from '../support/config.js';

const RULE_ID = '6f1d2c4e-8a3b-4f5e-9c7d-2b1a0e9f8d31';
const RULES = fileURLToPath(new URL('../../rules/sigma/intel/', import.meta.url));

const bundle = (ips: string[]) =>
  JSON.stringify({
    type: 'bundle',
    id: 'bundle--5e1a0000-0000-4000-8000-000000000000',
    objects: ips.map((ip, n) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--5e1a0000-0000-4000-8000-00000000000${n}`,
      name: `c2 ${ip}`,
      pattern: `[ipv4-addr:value = '${ip}']`,
      pattern_type: 'stix',
      valid_from: '2026-12-01T00:00:00Z',
    })),
  });

describe('threat intelligence in the running pipeline (real Kafka and Redis)', () => {
  const config = testConfig('intel');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-'));
  const feedFile = join(dir, 'c2.json');
  writeFileSync(feedFile, bundle(['203.0.113.77']));
  const redisPrefix = `${config.kafka.topicPrefix}intel:`;
  config.intel = {
    feeds: [{ id: 'c2-feed', type: 'stix', file: feedFile, refreshSeconds: 1, timeoutMs: 5000 }],
    enrich: true,
    checkSeconds: 1,
    redisPrefix,
  };
  config.detections.rules = [RULES];
  config.inputs = [withSyslogDefaults({ id: 'intel-tcp', protocol: 'tcp', port: 0, auth: 'none' })];
  const bus = new Bus(config.kafka, 'intel-test');
  let pipeline: RunningStages | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    await bus.close();
    const redis = new Redis(SERVICES.redis);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (lines: string[]) =>
    new Promise<void>((resolve, reject) => {
      const s = connect(pipeline?.ports['intel-tcp'] as number, '127.0.0.1', () => s.end(lines.map((l) => `${l}\n`).join('')));
      s.on('error', reject);
      s.on('close', () => resolve());
    });
  const sshd = (ip: string) => `<38>Dec  7 11:00:00 web-01 sshd[2211]: Failed password for root from ${ip} port 52144 ssh2`;
  type Enrichment = { indicator: Record<string, unknown>; matched: Record<string, unknown> };
  const eventsOf = (until: (es: Array<{ ip: string; enrichments?: Enrichment[] }>) => boolean) =>
    bus
      .read(bus.topics.events, {
        until: (rs) => until(rs.map(view)),
        timeoutMs: 45_000,
      })
      .then((rs) => rs.map(view));
  const view = (r: { value: Buffer }) => {
    const e = JSON.parse(r.value.toString('utf8')) as { source?: { ip?: string }; threat?: { enrichments?: Enrichment[] } };
    return { ip: e.source?.ip ?? '', ...(e.threat?.enrichments && { enrichments: e.threat.enrichments }) };
  };
  const alertIps = async (until: (ips: string[]) => boolean) =>
    (
      await bus.read(bus.topics.alerts, {
        until: (rs) => until(rs.filter((r) => r.headers['vigil-rule'] === RULE_ID).map((r) => ipOf(r.value))),
        timeoutMs: 45_000,
      })
    )
      .filter((r) => r.headers['vigil-rule'] === RULE_ID)
      .map((r) => ipOf(r.value));
  const ipOf = (v: Buffer) => (JSON.parse(v.toString('utf8')) as { source?: { ip?: string } }).source?.ip ?? '';

  it('enriches the events that hold an indicator and alerts on them through the intel rule', async () => {
    await bus.provision();
    pipeline = await startStages(config, ['ingest', 'detect']);
    await send([sshd('203.0.113.77'), sshd('192.0.2.200')]);
    const events = await eventsOf((es) => es.length >= 2);
    const hit = events.find((e) => e.ip === '203.0.113.77');
    const miss = events.find((e) => e.ip === '192.0.2.200');
    expect(hit?.enrichments).toEqual([
      {
        indicator: {
          type: 'ipv4-addr',
          provider: 'c2-feed',
          ip: '203.0.113.77',
          id: 'indicator--5e1a0000-0000-4000-8000-000000000000',
          description: 'c2 203.0.113.77',
        },
        matched: expect.objectContaining({
          atomic: '203.0.113.77',
          field: 'source.ip',
          type: 'indicator_match_ingest',
          id: 'indicator--5e1a0000-0000-4000-8000-000000000000',
        }),
      },
    ]);
    expect(miss?.enrichments).toBeUndefined();
    const alerts = await alertIps((ips) => ips.includes('203.0.113.77'));
    expect(alerts).toEqual(['203.0.113.77']);
  }, 90_000);

  it('takes a refreshed feed into both without a restart', async () => {
    writeFileSync(feedFile, bundle(['192.0.2.200']));
    // The refresh comes within a second or two: keep sending until the new list shows.
    let sending = true;
    const sender = (async () => {
      while (sending) {
        await send([sshd('192.0.2.200')]);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    try {
      const alerts = await alertIps((ips) => ips.includes('192.0.2.200'));
      expect(alerts).toContain('192.0.2.200');
      const events = await eventsOf((es) => es.some((e) => e.ip === '192.0.2.200' && e.enrichments !== undefined));
      expect(events.filter((e) => e.ip === '192.0.2.200' && e.enrichments).length).toBeGreaterThan(0);
    } finally {
      sending = false;
      await sender;
    }
  }, 90_000);
});
