import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../../test/support/timing.js';
import { applyVendors } from './index.js';

const ctx = (program?: string) => ({ program, time: { tz: 'UTC', now: new Date('2026-11-22T02:05:00Z') } });
const TEARDOWN = 'Teardown TCP connection 1 for outside:198.51.100.7/443 to inside:10.0.0.5/51234 duration 0:01:00 bytes 5';

describe('Cisco ASA teardown: reason and user after the byte count', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['', undefined, undefined],
    [' TCP FINs', 'TCP FINs', undefined],
    [' TCP FINs (alice)', 'TCP FINs', 'alice'],
    [' Flow closed by inspection (LOCAL\\bob)', 'Flow closed by inspection', 'LOCAL\\bob'],
    [' TCP Reset-O (a) (b)', 'TCP Reset-O (a)', 'b'],
    // Only a user group: the reason, the shortest that leaves nothing or a ` (user)` after it, takes it whole.
    [' (alice)', '(alice)', undefined],
    [' TCP FINs (not closed', 'TCP FINs (not closed', undefined],
  ])('reads %j', (tail, reason, user) => {
    const f = applyVendors(`${TEARDOWN}${tail}`, ctx('%ASA-6-302014'));
    expect(f?.event).toMatchObject({ action: 'flow-expiration' });
    expect((f?.event as { reason?: string }).reason).toBe(reason);
    expect((f?.user as { name?: string } | undefined)?.name).toBe(user);
  });

  it('reads a 60 KB tail of unclosed `(` within 200 ms', () => {
    const message = `${TEARDOWN}${' ('.repeat(30_000)}`;
    let f: ReturnType<typeof applyVendors>;
    expect(elapsedMs(() => (f = applyVendors(message, ctx('%ASA-6-302014'))))).toBeLessThan(200);
    expect(f?.event).toMatchObject({ action: 'flow-expiration' });
  });
});

describe('FortiGate sniffing', () => {
  const line =
    'date=2026-11-20 time=09:14:03 logid="0000000013" type="traffic" subtype="forward" srcip=10.0.0.5 dstip=8.8.8.8 action="accept"';

  it('takes a key=value line with a logid and a type it reads, from any program', () => {
    expect(applyVendors(line, ctx())?.source).toMatchObject({ ip: '10.0.0.5' });
    expect(applyVendors(line.replace('type="traffic"', 'type="other"'), ctx())).toBeUndefined();
    // The type must follow the logid on the same line.
    expect(applyVendors('logid="0000000013" date=2026-11-20\ntype="traffic" srcip=10.0.0.5', ctx())).toBeUndefined();
    expect(
      applyVendors('logid="0000000013"\nx\nlogid=0000000014 date=2026-11-20 type=traffic srcip=10.0.0.5', ctx())?.source,
    ).toMatchObject({
      ip: '10.0.0.5',
    });
  });

  it('refuses 100 KB of logids without a type within 200 ms', () => {
    expect(elapsedMs(() => applyVendors(' logid=0000000000 '.repeat(5_800), ctx()))).toBeLessThan(200);
  });
});
