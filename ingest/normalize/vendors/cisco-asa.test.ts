import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../../test/support/timing.js';
import { ciscoAsa } from './cisco-asa.js';
import { ASA_MESSAGES, ASA_PARSED } from './cisco-asa-messages.js';

const GOLDEN = new URL('../../../test/fixtures/normalize/cisco-asa.json', import.meta.url);
const ctx = (program: string) => ({ program, time: { tz: 'UTC', now: new Date('2026-11-22T02:05:00Z') } });

describe('Cisco ASA message table', () => {
  it('has a golden case for every message id it maps', () => {
    const cases = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as { cases: Array<{ raw: string }> }).cases;
    const covered = new Set(cases.map((c) => /%(?:ASA|FTD|PIX)-\d-(\d{6})/.exec(c.raw)?.[1]));
    const missing = [...Object.keys(ASA_MESSAGES), ...Object.keys(ASA_PARSED)].filter((id) => !covered.has(id));
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
