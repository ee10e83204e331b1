import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import type { InRecord } from '../../core/bus/types.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { CONTROL_REPLY } from '../../ingest/framing/s2s.js';
import { withS2sDefaults } from '../../ingest/inputs/splunk-s2s/index.js';
import { openS2s } from '../support/s2s-sender.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

/**
 * The S2S receiver on real Kafka. No forwarder runs here: our spec-faithful sender speaks the
 * forwarder side (hello, capabilities, key/value messages) over real TCP.
 */
describe('splunk-s2s input (real Kafka, S2S v3 sender)', () => {
  let config: VigilConfig;
  let pipeline: RunningStages;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    config = testConfig('splunk-s2s');
    config.inputs = [withS2sDefaults({ id: 's2s', port: 0, auth: 'none' })];
    pipeline = await startStages(config, ['ingest']);
  });

  afterAll(async () => {
    await pipeline?.close();
    if (config) await cleanupTest(config);
  });

  const mine = (rs: InRecord[]) => rs.filter((r) => r.value.toString('utf8').includes(stamp));

  it('every event of two forwarders arrives exactly once, parsed and unparsed data alike', async () => {
    const port = pipeline.ports.s2s as number;
    const a = await openS2s({ host: '127.0.0.1', port, serverName: 'uf-a' });
    const b = await openS2s({ host: '127.0.0.1', port, serverName: 'uf-b' });
    expect(a.control).toBe(CONTROL_REPLY);
    const n = 500;
    for (let i = 0; i < n; i++) {
      await a.send({
        raw: `parsed ${i} ${stamp}`,
        time: 1700000000 + i,
        host: 'web01',
        source: '/var/log/auth.log',
        sourcetype: 'linux_secure',
        index: 'os',
      });
    }
    // A forwarder's file chunks: 100 lines cut at arbitrary points.
    const text = Array.from({ length: 100 }, (_, i) => `unparsed ${i} ${stamp}\n`).join('');
    for (let at = 0; at < text.length; at += 337) {
      await b.send({ raw: text.slice(at, at + 337), host: 'web02', source: '/var/log/app.log', sourcetype: 'app', done: false });
    }
    await Promise.all([a.end(), b.end()]);

    const want = n + 100;
    const read = () => pipeline.bus.read(pipeline.bus.topics.events, { until: (rs) => mine(rs).length >= want, timeoutMs: 30_000 });
    await read();
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate would show up by now
    const events = mine(await read()).map((r) => JSON.parse(r.value.toString('utf8')));
    expect(events).toHaveLength(want);
    const messages = events.map((e) => e.message as string);
    expect(new Set(messages).size).toBe(want);
    for (let i = 0; i < 100; i++) expect(messages).toContain(`unparsed ${i} ${stamp}`);
    expect(events.find((e) => e.message === `parsed 7 ${stamp}`)).toMatchObject({
      '@timestamp': '2023-11-14T22:13:27.000Z',
      host: { name: 'web01' },
      agent: { type: 'splunk-forwarder', name: 'uf-a' },
      vigil: { input: 's2s', splunk: { index: 'os', sourcetype: 'linux_secure', source: '/var/log/auth.log' } },
    });
  });

  it('a malformed stream: earlier events kept, the bad bytes dead-lettered in base64, the connection closed', async () => {
    const s = await openS2s({ host: '127.0.0.1', port: pipeline.ports.s2s as number, serverName: 'uf-bad' });
    await s.send({ raw: `before the damage ${stamp}`, time: 1700000000 });
    const bad = Buffer.concat([Buffer.from('0000000c000000090000000261ff0000', 'hex')]);
    await s.writeRaw(bad);
    await s.end();
    const events = await pipeline.bus.read(pipeline.bus.topics.events, {
      until: (rs) => rs.some((r) => r.value.toString('utf8').includes(`before the damage ${stamp}`)),
      timeoutMs: 30_000,
    });
    expect(events.filter((r) => r.value.toString('utf8').includes(`before the damage ${stamp}`))).toHaveLength(1);
    const dead = await pipeline.bus.read(pipeline.bus.topics.deadletter, {
      until: (rs) => rs.some((r) => r.value.toString('utf8').includes(bad.toString('base64'))),
      timeoutMs: 30_000,
    });
    const letter = JSON.parse(
      (dead.find((r) => r.value.toString('utf8').includes(bad.toString('base64'))) as InRecord).value.toString('utf8'),
    );
    expect(letter).toMatchObject({
      stage: 'ingest',
      component: 's2s',
      code: 'S2S_PROTOCOL',
      raw: { encoding: 'base64', data: bad.toString('base64') },
    });
  });
});
