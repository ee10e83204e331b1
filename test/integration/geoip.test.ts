/**
 * GeoIP and ASN enrichment in `vigil run`, on REAL Kafka, with the shipped databases: a syslog
 * line through ingest reaches `vigil.events` with `source.geo` and `source.as` for a public
 * address and none for a private one; a missing database stops the start before any input listens.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { withSyslogDefaults } from '../../ingest/inputs/syslog/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

type Endpoint = { ip?: string; geo?: Record<string, unknown>; as?: Record<string, unknown> };

describe('GeoIP enrichment in the running pipeline (real Kafka)', () => {
  const config = testConfig('geoip');
  config.inputs = [withSyslogDefaults({ id: 'geoip-tcp', protocol: 'tcp', port: 0, auth: 'none' })];
  const bus = new Bus(config.kafka, 'geoip-test');
  let pipeline: RunningStages | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await cleanupTest(config);
    await bus.close();
  });

  const send = (lines: string[]) =>
    new Promise<void>((resolve, reject) => {
      const s = connect(pipeline?.ports['geoip-tcp'] as number, '127.0.0.1', () => s.end(lines.map((l) => `${l}\n`).join('')));
      s.on('error', reject);
      s.on('close', () => resolve());
    });
  const sshd = (ip: string) => `<38>Dec  7 11:00:00 web-01 sshd[2211]: Failed password for root from ${ip} port 52144 ssh2`;

  it('adds source.geo and source.as to the event of a public address, and nothing to a private one', async () => {
    expect(config.enrich.geoip.enabled).toBe(true); // on by default
    await bus.provision();
    pipeline = await startStages(config, ['ingest']);
    await send([sshd('8.8.8.8'), sshd('10.20.30.40')]);
    const records = await bus.read(bus.topics.events, { until: (rs) => rs.length >= 2, timeoutMs: 45_000 });
    const sources = records.map((r) => (JSON.parse(r.value.toString('utf8')) as { source?: Endpoint }).source);
    expect(sources.find((s) => s?.ip === '8.8.8.8')).toEqual({
      ip: '8.8.8.8',
      port: 52144,
      geo: { continent_code: 'NA', continent_name: 'North America', country_iso_code: 'US', country_name: 'United States' },
      as: { number: 15169, organization: { name: 'Google LLC' } },
    });
    expect(sources.find((s) => s?.ip === '10.20.30.40')).toEqual({ ip: '10.20.30.40', port: 52144 });
    // Enriched as they were built: the marker that let the GeoIP publisher pass them by stays in ingest.
    expect(records.map((r) => r.headers)).toEqual([{}, {}]);
  }, 90_000);

  it('refuses to start ingest when a configured database is missing, naming it', async () => {
    const broken = testConfig('geoip-missing');
    broken.inputs = [withSyslogDefaults({ id: 'geoip-missing-tcp', protocol: 'tcp', port: 0, auth: 'none' })];
    broken.enrich.geoip.geo = '/nonexistent/GeoLite2-City.mmdb';
    try {
      await expect(startStages(broken, ['ingest'])).rejects.toMatchObject({
        code: 'GEOIP_DATABASE',
        message: expect.stringContaining('/nonexistent/GeoLite2-City.mmdb'),
      });
    } finally {
      await cleanupTest(broken);
    }
  }, 60_000);
});
