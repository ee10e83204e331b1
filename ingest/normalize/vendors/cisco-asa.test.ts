import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../../test/support/timing.js';
import { ecsProblems } from '../cloud/ecs-check.js';
import { ciscoAsa } from './cisco-asa.js';
import { ASA_MESSAGES, ASA_PARSED } from './cisco-asa-messages.js';
import { FTD_EVENT_IDS, ftdPairs } from './cisco-ftd-events.js';

const GOLDEN = new URL('../../../test/fixtures/normalize/cisco-asa.json', import.meta.url);
const ctx = (program: string) => ({ program, time: { tz: 'UTC', now: new Date('2026-11-22T02:05:00Z') } });

describe('Cisco ASA message table', () => {
  it('has a golden case for every message id it maps', () => {
    const cases = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as { cases: Array<{ raw: string }> }).cases;
    const covered = new Set(cases.map((c) => /%(?:ASA|FTD|PIX)-\d-(\d{6})/.exec(c.raw)?.[1]));
    const missing = [...Object.keys(ASA_MESSAGES), ...Object.keys(ASA_PARSED), ...FTD_EVENT_IDS].filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it('maps at least the 50 most common ids Elastic parses', () => {
    expect(Object.keys(ASA_MESSAGES).length + Object.keys(ASA_PARSED).length).toBeGreaterThanOrEqual(50);
  });

  it('keeps the message id, severity and device of an id it does not know, with no categorization', () => {
    const f = ciscoAsa('Something new happened', ctx('%ASA-4-999001'));
    expect(f).toMatchObject({
      event: { code: '999001', severity: 4, dataset: 'cisco.asa' },
      cisco: { asa: { message_id: '999001' } },
      observer: { vendor: 'Cisco', type: 'firewall' },
    });
    expect(f?.event?.category).toBeUndefined();
  });

  it('keeps the categorization of a known id whose text does not read as documented', () => {
    const f = ciscoAsa('Deny inbound UDP in a layout no release writes', ctx('%ASA-2-106006'));
    expect(f?.event).toMatchObject({ category: ['network'], type: ['connection', 'denied'], action: 'firewall-rule', outcome: 'failure' });
    expect(f?.source).toBeUndefined();
  });

  it('splits a domain user and names the account that signed in user.name', () => {
    const f = ciscoAsa(
      'AAA user authentication Rejected : reason = Invalid password : local database : user = LOCAL\\admin : user IP = 10.0.0.250',
      ctx('%ASA-6-113015'),
    );
    expect(f?.source).toEqual({ ip: '10.0.0.250', user: { name: 'admin' } });
    expect(f?.user).toEqual({ name: 'admin' });
  });

  it.each(Object.keys(ASA_MESSAGES))('reads %s in linear time (60 KB lines within 200 ms)', (id) => {
    for (const long of [
      'Group <g> User <u> IP <1.2.3.4> '.repeat(2_000),
      `Deny ${'a:b/1 '.repeat(10_000)}`,
      ` for ${'x '.repeat(30_000)}`,
    ]) {
      expect(elapsedMs(() => ciscoAsa(long, ctx(`%ASA-6-${id}`)))).toBeLessThan(200);
    }
  });
});

describe('FTD security events (430001-430005)', () => {
  const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0 Safari/537.36';
  const START = `AccessControlRuleAction: Allow, SrcIP: 10.0.0.5, DstIP: 198.51.100.80, SrcPort: 51544, DstPort: 443, Protocol: tcp, Prefilter Policy: Default Prefilter Policy, User: No Authentication Required, UserAgent: ${UA}, ClientVersion: , URL: https://www.example.com:8443/a?b=c`;

  it('reads the pairs: a value ends at a comma only where a key and a colon follow', () => {
    const kv = ftdPairs(START);
    expect(kv.get('UserAgent')).toBe(UA);
    expect(kv.get('URL')).toBe('https://www.example.com:8443/a?b=c');
    expect(kv.get('Prefilter Policy')).toBe('Default Prefilter Policy');
    expect(kv.has('ClientVersion')).toBe(false);
  });

  it('sets user_agent.original (and no parse of it) on a connection event, as Elastic does', () => {
    const f = ciscoAsa(START, ctx('%FTD-1-430002'));
    expect(f?.user_agent).toEqual({ original: UA });
    expect(f?.event).toMatchObject({
      code: '430002',
      category: ['network'],
      type: ['connection', 'start'],
      action: 'connection-started',
      outcome: 'success',
    });
    expect(f?.source).toEqual({ ip: '10.0.0.5', port: 51544 });
    expect(f?.network).toMatchObject({ transport: 'tcp', iana_number: '6' });
    // FMC's placeholder for an unauthenticated connection names no account.
    expect(f?.user).toBeUndefined();
  });

  it('calls a blocked connection a failure and an action it does not know neither', () => {
    const outcome = (action: string) =>
      ciscoAsa(`AccessControlRuleAction: ${action}, SrcIP: 10.0.0.5`, ctx('%FTD-1-430003'))?.event?.outcome;
    expect(outcome('Block with reset')).toBe('failure');
    expect(outcome('Trust')).toBe('success');
    expect(outcome('Something else')).toBeUndefined();
    // An intrusion event's inline result: in passive mode, `Would block` stopped nothing.
    const inline = (result: string) => ciscoAsa(`InlineResult: ${result}, SrcIP: 10.0.0.5`, ctx('%FTD-1-430001'))?.event?.outcome;
    expect(inline('Blocked')).toBe('failure');
    expect(inline('Would block')).toBeUndefined();
  });

  it('files a malware event as an alert only for a malware disposition', () => {
    const f = (d: string) => ciscoAsa(`SHA_Disposition: ${d}, FileName: a.exe, FileSize: 10`, ctx('%FTD-1-430005'));
    expect(f('Malware')?.event).toMatchObject({ kind: 'alert', category: ['network'] });
    expect(f('Clean')?.event).toMatchObject({ category: ['network', 'file'] });
    expect(f('Clean')?.event?.kind).toBeUndefined();
  });

  it('gives ECS-valid fields for a line cut at any character', () => {
    for (let i = 0; i <= START.length; i++)
      expect(ecsProblems(ciscoAsa(START.slice(0, i), ctx('%FTD-1-430002'))), START.slice(0, i)).toEqual([]);
  });

  it('reads hostile lines in linear time (60 KB within 200 ms)', () => {
    for (const long of ['a, '.repeat(20_000), `${'Key '.repeat(15_000)}`, 'K: v,'.repeat(12_000), `UserAgent: ${'x, y'.repeat(15_000)}`]) {
      expect(elapsedMs(() => ciscoAsa(long, ctx('%FTD-1-430002')))).toBeLessThan(200);
    }
  });
});
