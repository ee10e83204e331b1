import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metrics } from '../../core/telemetry/index.js';
import { counterValue } from '../../test/support/metrics.js';
import { normalizeJsonText, type RecordType } from './cloud/records.js';
import { normalizeRecord } from './index.js';
import { parseRecord } from '../parsers/index.js';
import { countUnmapped, MAX_IDS_PER_VENDOR } from './unmapped.js';

/**
 * A message or event id no mapping knows still becomes a valid ECS event (the format's common
 * fields, `event.original`, `event.kind: event`) and is counted per vendor and id on `/metrics`.
 */
const now = new Date('2026-11-20T12:00:00.000Z');
const unmapped = (vendor: string, id: string) => counterValue(metrics.unmappedIds, { vendor, id });

function syslog(line: string) {
  const raw = Buffer.from(line);
  const p = parseRecord(raw, { now, timezone: 'UTC', format: 'auto', json: false });
  if (!p.ok) throw p.error;
  return normalizeRecord(p.record, { inputId: 't', peer: '127.0.0.1', raw, receivedAt: now, keepOriginal: true });
}

function json(text: string, type: RecordType) {
  const [r] = normalizeJsonText(text, { inputId: 't', receivedAt: now, keepOriginal: true }, type);
  if (!r?.ok) throw new Error('not normalized');
  return r.event;
}

describe('unmapped vendor ids', () => {
  it('Cisco ASA: an id outside the mapped ones keeps the device fields and is counted', async () => {
    const before = await unmapped('cisco-asa', '999777');
    const e = syslog('<166>Nov 20 2026 09:14:03: %ASA-6-999777: Something new happened');
    expect(e.event).toMatchObject({ kind: 'event', code: '999777', original: expect.stringContaining('%ASA-6-999777') });
    expect(e.event?.category).toBeUndefined();
    expect(e.observer?.vendor).toBe('Cisco');
    expect(await unmapped('cisco-asa', '999777')).toBe(before + 1);
  });

  it('Okta: an event type no table or family knows gets no categorization and is counted', async () => {
    const before = await unmapped('okta', 'vendor.brand_new.thing');
    const record = {
      uuid: 'u-unmapped-1',
      published: '2026-11-20T10:00:00Z',
      eventType: 'vendor.brand_new.thing',
      actor: { alternateId: 'a@example.com' },
      outcome: { result: 'SUCCESS' },
    };
    const e = json(JSON.stringify(record), 'okta');
    expect(e.event).toMatchObject({ kind: 'event', action: 'vendor.brand_new.thing', outcome: 'success' });
    expect(e.event?.category).toBeUndefined();
    expect(e.user?.name).toBe('a');
    expect(await unmapped('okta', 'vendor.brand_new.thing')).toBe(before + 1);
  });

  it('Okta: a known event type is not counted', async () => {
    const before = await unmapped('okta', 'user.session.start');
    json(JSON.stringify({ uuid: 'u-2', published: '2026-11-20T10:00:00Z', eventType: 'user.session.start', actor: {} }), 'okta');
    expect(await unmapped('okta', 'user.session.start')).toBe(before);
  });

  it('Microsoft 365: an unknown RecordType is still web/info and is counted', async () => {
    const before = await unmapped('o365', '4242');
    const record = {
      CreationTime: '2026-11-20T10:00:00',
      Id: 'id-4242',
      Operation: 'NewThing',
      RecordType: 4242,
      Workload: 'Future',
      UserId: 'x@contoso.com',
    };
    const e = json(JSON.stringify(record), 'o365');
    expect(e.event).toMatchObject({ kind: 'event', category: ['web'], type: ['info'] });
    expect(e.event?.code).toBeUndefined();
    expect(await unmapped('o365', '4242')).toBe(before + 1);
  });

  it('Windows: an event id outside the mappings is counted under its dataset', async () => {
    const before = await unmapped('windows.security', '4999');
    const text = readFileSync(new URL('../../test/fixtures/windows/security-4624-network-logon.json', import.meta.url), 'utf8').replace(
      '"EventID": 4624',
      '"EventID": 4999',
    );
    const e = json(text, 'windows');
    expect(e.event).toMatchObject({ kind: 'event', code: '4999' });
    expect(e.event?.category).toBeUndefined();
    expect(await unmapped('windows.security', '4999')).toBe(before + 1);
  });

  it('FortiGate: an event subtype with no categorization is counted', async () => {
    const before = await unmapped('fortigate', 'event/wad/');
    const e = syslog(
      '<189>date=2026-11-20 time=09:14:03 devname="FGT" logid="0100099999" type="event" subtype="wad" level="notice" msg="something"',
    );
    expect(e.event?.kind).toBe('event');
    expect(e.observer?.vendor).toBe('Fortinet');
    expect(await unmapped('fortigate', 'event/wad/')).toBe(before + 1);
  });

  it('PAN-OS: a log type no mapping reads keeps the fields every type carries and is counted', async () => {
    const before = await unmapped('pan-os', 'IPTAG');
    const e = syslog('<14>Nov 20 09:14:03 PA-3260 1,2026/11/20 09:14:03,013201001234,IPTAG,0,2561,2026/11/20 09:14:03,vsys1,10.0.0.5');
    expect(e.event).toMatchObject({ kind: 'event', module: 'panw', dataset: 'panw.panos', original: expect.stringContaining(',IPTAG,') });
    expect(e.event?.category).toBeUndefined();
    expect(e.observer).toMatchObject({ vendor: 'Palo Alto Networks', product: 'PAN-OS', serial_number: '013201001234' });
    expect(e.labels).toMatchObject({ log_type: 'IPTAG' });
    expect(await unmapped('pan-os', 'IPTAG')).toBe(before + 1);
  });

  it('caps the distinct ids per vendor: the rest are counted as other', async () => {
    for (let i = 0; i < MAX_IDS_PER_VENDOR; i++) countUnmapped('cap-test', `id-${i}`);
    const before = await unmapped('cap-test', 'other');
    countUnmapped('cap-test', 'one-too-many');
    countUnmapped('cap-test', 'id-3');
    expect(await unmapped('cap-test', 'other')).toBe(before + 1);
    expect(await unmapped('cap-test', 'one-too-many')).toBe(0);
    expect(await unmapped('cap-test', 'id-3')).toBe(2);
  });
});
