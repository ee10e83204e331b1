import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../core/telemetry/index.js';
import { firstAttempt as ctx, outgoing as out } from '../../test/support/outgoing.js';
import { SecopsStandIn } from '../../test/support/standins/secops.js';
import { withSecopsDefaults, type SecopsSinkConfig } from './config.js';
import { encodeSecopsItem } from './deliver.js';
import { openSecopsDelivery } from './sink.js';
import { toUdm } from './udm.js';

describe('ECS → UDM', () => {
  it('maps an SSH login failure to USER_LOGIN with principal, target user and a FAIL result', () => {
    expect(
      toUdm(
        {
          '@timestamp': '2026-03-01T10:00:00+01:00',
          message: 'Failed password for root from 10.0.0.5 port 5022 ssh2',
          event: { category: ['authentication'], type: ['start'], outcome: 'failure', action: 'ssh_login', dataset: 'linux.auth' },
          host: { name: 'web1' },
          source: { ip: '10.0.0.5', port: 5022 },
          user: { name: 'root' },
          observer: { vendor: 'OpenBSD', product: 'OpenSSH' },
          vigil: { id: 'v1' },
        },
        0,
      ),
    ).toEqual({
      metadata: {
        event_timestamp: '2026-03-01T09:00:00.000Z',
        event_type: 'USER_LOGIN',
        vendor_name: 'OpenBSD',
        product_name: 'OpenSSH',
        product_event_type: 'ssh_login',
        description: 'Failed password for root from 10.0.0.5 port 5022 ssh2',
      },
      principal: { hostname: 'web1', ip: ['10.0.0.5'], port: 5022 },
      target: { user: { userid: 'root' } },
      security_result: [{ action: ['FAIL'] }],
      additional: { fields: { 'event.dataset': 'linux.auth', 'vigil.id': 'v1' } },
    });
  });

  it('maps a denied connection to NETWORK_CONNECTION with BLOCK, and an alert with its rule and level', () => {
    const u = toUdm(
      {
        '@timestamp': '2026-03-01T10:00:00Z',
        event: { category: ['network'], type: ['connection', 'denied'] },
        source: { ip: '10.0.0.5' },
        destination: { ip: '8.8.8.8', port: 53 },
        network: { transport: 'udp' },
        rule: { id: 'r-1', name: 'Blocked egress' },
        vigil: { alert: { level: 'high' } },
      },
      0,
    );
    expect(u).toMatchObject({
      metadata: { event_type: 'NETWORK_CONNECTION' },
      principal: { ip: ['10.0.0.5'] },
      target: { ip: ['8.8.8.8'], port: 53 },
      network: { ip_protocol: 'UDP' },
      security_result: [{ action: ['BLOCK'], severity: 'HIGH', rule_id: 'r-1', rule_name: 'Blocked egress' }],
    });
  });

  it('falls back to GENERIC_EVENT when the type would miss its required nouns, and to the Kafka time', () => {
    const u = toUdm({ event: { category: ['authentication'] }, message: 'x' }, Date.UTC(2026, 0, 2));
    expect(u.metadata).toEqual({ event_timestamp: '2026-01-02T00:00:00.000Z', event_type: 'GENERIC_EVENT', description: 'x' });
  });

  it('sends an unstructured log as its original message, base64, with collectionTime not before logEntryTime', () => {
    const sink = withSecopsDefaults({ id: 's', project: 'p', instance: 'i', credentialsFile: 'x', mode: 'unstructured', logType: 'LINUX' });
    const e = encodeSecopsItem(
      sink,
      out({ '@timestamp': '2030-01-01T00:00:00Z', event: { original: '<13>raw line' }, message: 'parsed' }),
      () => 0,
    );
    const item = JSON.parse((e as { body: string }).body) as { data: string; logEntryTime: string; collectionTime: string };
    expect(Buffer.from(item.data, 'base64').toString()).toBe('<13>raw line');
    expect(item).toMatchObject({ logEntryTime: '2030-01-01T00:00:00.000Z', collectionTime: '2030-01-01T00:00:00.000Z' });
  });
});

describe('secops delivery against the Chronicle API stand-in', () => {
  let api: SecopsStandIn;
  let dir: string;
  let sink: SecopsSinkConfig;
  beforeEach(async () => {
    api = await new SecopsStandIn({ project: 'proj', location: 'us', instance: 'inst-1', logTypes: ['LINUX'], maxBodyBytes: 4096 }).start();
    dir = mkdtempSync(join(tmpdir(), 'secops-'));
    api.writeKeyFile(join(dir, 'key.json'));
    sink = withSecopsDefaults({
      id: 'g',
      endpoint: api.base,
      project: 'proj',
      instance: 'inst-1',
      credentialsFile: join(dir, 'key.json'),
      maxRetryAfterSeconds: 1,
    });
  });
  afterEach(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a JWT the token URI verifies, imports UDM events, and dead-letters the one SecOps refuses with its reason', async () => {
    const d = await openSecopsDelivery(sink, logger('test'));
    const docs = Array.from({ length: 40 }, (_, i) => ({
      '@timestamp': '2026-03-01T10:00:00Z',
      message: `m${i}`,
      event: { category: ['network'] },
      source: { ip: i === 7 ? '10.0.0.300' : '10.0.0.5' },
      destination: { ip: '10.0.0.6' },
      pad: 'p'.repeat(200),
    }));
    const v = await d.deliver(docs.map(out), ctx());
    expect(v.map((x, i) => (x.outcome === 'ok' ? '' : `${i}:${x.outcome}`)).filter(Boolean)).toEqual(['7:reject']);
    expect((v[7] as { reason: string }).reason).toBe(
      'secops sink g: HTTP 400 INVALID_ARGUMENT: invalid event at index 0: principal.ip: invalid IP address "10.0.0.300"',
    );
    expect(api.events.map((e) => (e.metadata as { description: string }).description).sort()).toEqual(
      docs
        .filter((_, i) => i !== 7)
        .map((x) => x.message)
        .sort(),
    );
    expect(api.statuses).toContain(413);
    expect(api.tokensIssued).toBe(1);
  });

  it('imports unstructured logs for the log type after a 429 storm', async () => {
    const d = await openSecopsDelivery({ ...sink, mode: 'unstructured', logType: 'LINUX' }, logger('test'));
    api.throttle(2, '1');
    const v = await d.deliver([out({ message: 'one' }), out({ event: { original: 'two' } })], ctx());
    expect(v).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }]);
    expect(api.logs.map((l) => [l.logType, Buffer.from(l.data, 'base64').toString()])).toEqual([
      ['LINUX', 'one'],
      ['LINUX', 'two'],
    ]);
    expect(api.statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('refuses to open with a key the token URI does not know, naming the sink and the key file', async () => {
    api.writeKeyFile(join(dir, 'other.json'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    await expect(openSecopsDelivery({ ...sink, credentialsFile: join(dir, 'other.json') }, logger('test'))).rejects.toMatchObject({
      code: 'SINK_CONFIG',
      message: expect.stringMatching(
        /^secops sink g: the token URI refused service account .*: HTTP 400 invalid_grant: Invalid JWT Signature\.$/,
      ),
      location: { path: 'sinks[g].credentialsFile' },
    });
    await expect(openSecopsDelivery({ ...sink, credentialsFile: join(dir, 'missing.json') }, logger('test'))).rejects.toThrow(
      /^secops sink g: cannot read the service account key/,
    );
  });
});
