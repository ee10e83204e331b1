/**
 * GeoIP and threat intelligence together in `vigil run`, on REAL Kafka and Redis with the shipped
 * GeoIP databases: an event of an input that does not build events from frames (a file read)
 * reaches `vigil.events` with both, through the one enrichment publisher, just like the same
 * line sent over syslog (enriched on the frame path); neither carries the frame marker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import type { InRecord } from '../../core/bus/types.js';
import { withFileDefaults } from '../../ingest/inputs/file/index.js';
import { withSyslogDefaults } from '../../ingest/inputs/syslog/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { SERVICES, testConfig } from '../support/config.js';

const bundle = JSON.stringify({
  type: 'bundle',
  id: 'bundle--5e1a0000-0000-4000-8000-0000000000aa',
  objects: [
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--5e1a0000-0000-4000-8000-0000000000ab',
      name: 'resolver abuse',
      pattern: "[ipv4-addr:value = '8.8.8.8']",
      pattern_type: 'stix',
      valid_from: '2026-12-01T00:00:00Z',
    },
  ],
});
const sshd = (host: string) => `<38>Dec  7 11:00:00 ${host} sshd[2211]: Failed password for root from 8.8.8.8 port 52144 ssh2`;

describe('GeoIP and threat intelligence together in the running pipeline (real Kafka and Redis)', () => {
  const config = testConfig('enrich-both');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-enrich-'));
  const feedFile = join(dir, 'feed.json');
  const logFile = join(dir, 'auth.log');
  writeFileSync(feedFile, bundle);
  writeFileSync(logFile, `${sshd('from-file')}\n`);
  const redisPrefix = `${config.kafka.topicPrefix}intel:`;
  config.intel = {
    feeds: [{ id: 'dns-feed', type: 'stix', file: feedFile, refreshSeconds: 60, timeoutMs: 5000 }],
    enrich: true,
    checkSeconds: 1,
    redisPrefix,
  };
  config.inputs = [
    withFileDefaults({ id: 'files', paths: [logFile], mode: 'read', format: 'syslog', stateFile: join(dir, 'state.json') }),
    withSyslogDefaults({ id: 'tcp', protocol: 'tcp', port: 0, auth: 'none' }),
  ];
  let pipeline: RunningStages | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    const redis = new Redis(SERVICES.redis);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a file input event and a syslog event the same geo, as and threat.enrichments', async () => {
    expect(config.enrich.geoip.enabled).toBe(true);
    pipeline = await startStages(config, ['ingest']);
    await new Promise<void>((resolve, reject) => {
      const s = connect(pipeline?.ports.tcp as number, '127.0.0.1', () => s.end(`${sshd('from-tcp')}\n`));
      s.on('error', reject);
      s.on('close', () => resolve());
    });
    type Event = { host?: { name?: string }; source?: Record<string, unknown>; threat?: { enrichments?: unknown[] } };
    const parse = (r: InRecord) => JSON.parse(r.value.toString('utf8')) as Event;
    const records = await pipeline.bus.read(pipeline.bus.topics.events, {
      until: (rs) => rs.length >= 2,
      timeoutMs: 45_000,
    });
    const byHost = (host: string) => records.find((r) => parse(r).host?.name === host) as InRecord;
    const fromFile = byHost('from-file');
    const fromTcp = byHost('from-tcp');
    for (const r of [fromFile, fromTcp]) {
      expect(r.headers['vigil-enriched']).toBeUndefined();
      const e = parse(r);
      expect(e.source).toMatchObject({ ip: '8.8.8.8', geo: { country_iso_code: 'US' }, as: { number: 15169 } });
      expect(e.threat?.enrichments).toEqual([
        expect.objectContaining({
          indicator: expect.objectContaining({ type: 'ipv4-addr', provider: 'dns-feed', ip: '8.8.8.8' }),
          matched: expect.objectContaining({ atomic: '8.8.8.8', field: 'source.ip', type: 'indicator_match_ingest' }),
        }),
      ]);
    }
    // The same fields in the same order, whichever way the event came.
    const enrichedPart = (e: Event) =>
      JSON.stringify({ source: e.source, indicator: (e.threat?.enrichments?.[0] as { indicator: unknown }).indicator });
    expect(enrichedPart(parse(fromFile))).toBe(enrichedPart(parse(fromTcp)));
  }, 90_000);
});
