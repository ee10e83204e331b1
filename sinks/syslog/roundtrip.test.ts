/**
 * ECS → CEF / LEEF → Vigil's own parser and normalizer → the same ECS fields. Every golden case of
 * `test/fixtures/normalize/cef.json` and `leef.json` is encoded from its expected ECS, framed in
 * each syslog header, and read back as ingest reads a line off the wire.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getField } from '../../core/event/index.js';
import { CEF_TO_ECS, LEEF_TO_ECS } from '../../core/event/vendor-keys.js';
import { normalizeRecord } from '../../ingest/normalize/record.js';
import { parseRecord } from '../../ingest/parsers/index.js';
import { encodeCef } from './cef.js';
import { encodeLeef } from './leef.js';
import { syslogLine, type SyslogFormat } from './framing.js';

/** The ECS fields compared after the round trip: each is equal, or absent on both sides. */
export const CEF_CHECKED = [
  '@timestamp', 'message', 'event.kind', 'event.code', 'event.severity', 'event.action', 'event.id', 'event.outcome',
  'event.start', 'event.end', 'event.created', 'event.timezone', 'observer.vendor', 'observer.product', 'observer.version',
  'observer.ip', 'observer.mac', 'observer.hostname', 'source.ip', 'source.port', 'source.mac', 'source.domain', 'source.bytes',
  'source.nat.ip', 'source.nat.port', 'source.geo.location.lat', 'source.geo.location.lon', 'source.user.id', 'source.user.name',
  'source.user.group.name', 'destination.ip', 'destination.port', 'destination.mac', 'destination.domain', 'destination.bytes',
  'destination.nat.ip', 'destination.nat.port', 'destination.geo.location.lat', 'destination.geo.location.lon',
  'destination.user.id', 'destination.user.name', 'destination.user.group.name', 'user.name', 'network.transport',
  'network.direction', 'network.application', 'process.pid', 'process.name', 'file.name', 'file.path', 'file.size', 'file.type',
  'file.inode', 'file.group', 'file.created', 'file.mtime', 'url.original', 'http.request.method', 'http.request.referrer',
  'user_agent.original', 'organization.id', 'organization.name', 'related.ip', 'related.user',
]; // prettier-ignore

export const LEEF_CHECKED = [
  '@timestamp', 'event.code', 'event.action', 'event.severity', 'event.category', 'event.type', 'observer.vendor',
  'observer.product', 'observer.version', 'source.ip', 'source.port', 'source.mac', 'source.bytes', 'source.packets',
  'source.nat.ip', 'source.nat.port', 'destination.ip', 'destination.port', 'destination.mac', 'destination.bytes',
  'destination.packets', 'destination.nat.ip', 'destination.nat.port', 'network.transport', 'network.packets', 'user.name',
  'user.domain', 'user.roles', 'group.name', 'group.id', 'host.hostname', 'url.original', 'rule.name', 'related.ip', 'related.user',
]; // prettier-ignore

/** Set by the syslog header itself (HOSTNAME, APP-NAME), so present after the trip even when the event had none. */
const HEADER_FIELDS = new Set(['host.hostname', 'process.name']);

/** Every checked field equal, or absent on both sides (header fields may appear). */
function expectSameFields(got: unknown, want: unknown, fields: readonly string[]): void {
  for (const f of fields) {
    if (HEADER_FIELDS.has(f) && getField(want, f) === undefined) continue;
    expect({ field: f, value: getField(got, f) }).toEqual({ field: f, value: getField(want, f) });
  }
}

interface Golden {
  cases: Array<{ name: string; want: Record<string, unknown> }>;
}
const golden = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/normalize/${name}.json`, import.meta.url), 'utf8')) as Golden;

/** A syslog line as ingest reads it: parsed, normalized, and through JSON as Kafka carries it. */
function ingest(line: string): Record<string, unknown> {
  const parsed = parseRecord(line, { now: new Date('2027-01-01T00:00:00Z'), timezone: 'UTC', format: 'auto', allowMissingPri: false });
  if (!parsed.ok) throw parsed.error;
  const ecs = normalizeRecord(parsed.record, {
    inputId: 'rt',
    peer: '127.0.0.1',
    raw: Buffer.from(line),
    receivedAt: new Date('2027-01-01T00:00:00Z'),
    keepOriginal: false,
  });
  return JSON.parse(JSON.stringify(ecs)) as Record<string, unknown>;
}

const header = (format: SyslogFormat) => ({ format, facility: 16, severity: 6, appName: 'vigil', hostname: 'vigil-host' });
const device = { vendor: 'Vigil', product: 'Vigil', version: '1' };

describe('the checked field lists', () => {
  it('cover every ECS field the CEF and LEEF tables write', () => {
    for (const r of Object.values(CEF_TO_ECS)) expect(CEF_CHECKED).toContain(r.path);
    for (const r of Object.values(LEEF_TO_ECS)) expect(LEEF_CHECKED).toContain(r.path);
  });
});

describe.each(['rfc5424', 'rfc3164'] as const)('CEF round trip in %s', (format) => {
  it.each(golden('cef').cases)('$name', ({ want }) => {
    const line = syslogLine(want, encodeCef(want, device), header(format));
    const got = ingest(line);
    const compared = CEF_CHECKED.filter((f) => getField(want, f) !== undefined);
    expect(compared.length).toBeGreaterThan(5);
    expectSameFields(got, want, CEF_CHECKED);
  });
});

describe.each(['rfc5424', 'rfc3164'] as const)('LEEF 2.0 round trip in %s', (format) => {
  it.each(golden('leef').cases)('$name', ({ want }) => {
    const line = syslogLine(want, encodeLeef(want, { ...device, delimiter: '^' }), header(format));
    const got = ingest(line);
    const compared = LEEF_CHECKED.filter((f) => getField(want, f) !== undefined);
    expect(compared.length).toBeGreaterThan(4);
    expectSameFields(got, want, LEEF_CHECKED);
  });

  it('with a TAB delimiter too', () => {
    for (const { want } of golden('leef').cases) {
      const got = ingest(syslogLine(want, encodeLeef(want, { ...device, delimiter: '\t' }), header(format)));
      expectSameFields(got, want, LEEF_CHECKED);
    }
  });
});
