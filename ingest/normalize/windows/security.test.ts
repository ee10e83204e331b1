import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeWindows } from './windows.js';
import { auditOutcome, SECURITY_EVENTS } from './security.js';

const FIXTURE = new URL('../../../test/fixtures/windows/security-events.json', import.meta.url);
const ctx = { inputId: 'fixture', receivedAt: new Date('2024-01-01T00:00:00.000Z'), keepOriginal: false };

/** An evtx_dump record of the Security channel. */
function evtx(eventId: number, data: Record<string, unknown>, keywords = '0x8020000000000000'): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
        EventID: eventId,
        Keywords: keywords,
        TimeCreated: { '#attributes': { SystemTime: '2023-03-15T08:01:02.1234567Z' } },
        EventRecordID: 1,
        Channel: 'Security',
        Computer: 'DC01.corp.example.com',
      },
      EventData: data,
    },
  };
}

describe('Security event table', () => {
  it('has a golden fixture record for every mapped event id', () => {
    const records = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Array<{ Event: { System: { EventID: number } } }>;
    const covered = new Set(records.map((r) => r.Event.System.EventID));
    const missing = Object.keys(SECURITY_EVENTS)
      .map(Number)
      .filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it('maps the ids Elastic categorizes, account management and Kerberos included', () => {
    for (const id of [
      1102, 4624, 4625, 4648, 4672, 4688, 4697, 4698, 4702, 4719, 4720, 4740, 4767, 4768, 4771, 4776, 4798, 4799, 5140, 5145,
    ]) {
      expect(SECURITY_EVENTS[id], String(id)).toBeDefined();
    }
  });
});

describe('auditOutcome', () => {
  it.each<[string | undefined, string | undefined]>([
    ['0x8020000000000000', 'success'],
    ['0x8010000000000000', 'failure'],
    ['0x4020000000000000', 'success'],
    ['Audit Success', 'success'],
    ['Audit Failure', 'failure'],
    ['0x8000000000000000', undefined],
    ['not keywords', undefined],
    [undefined, undefined],
  ])('%s → %s', (keywords, outcome) => {
    expect(auditOutcome(keywords)).toBe(outcome);
  });

  it('decides the outcome over the table: a failed Kerberos ticket request is a failure', () => {
    const e = normalizeWindows(evtx(4768, { TargetUserName: 'amartin', Status: '0x6' }, '0x8010000000000000'), ctx, '');
    expect(e?.event).toMatchObject({ action: 'kerberos-authentication-ticket-requested', outcome: 'failure' });
  });
});

describe('normalizeWindows, Security channel', () => {
  it('splits a Kerberos principal: user.name without the realm, the client address without ::ffff:', () => {
    const e = normalizeWindows(
      evtx(4769, {
        TargetUserName: 'amartin@CORP.EXAMPLE.COM',
        TargetDomainName: 'CORP.EXAMPLE.COM',
        ServiceName: 'cifs',
        IpAddress: '::ffff:10.1.2.3',
        IpPort: '50000',
      }),
      ctx,
      '',
    );
    expect(e?.user).toEqual({ name: 'amartin', domain: 'CORP.EXAMPLE.COM' });
    expect(e?.source).toEqual({ ip: '10.1.2.3', port: 50000 });
    expect(e?.related).toEqual({ ip: ['10.1.2.3'], user: ['amartin'] });
    expect(e?.service).toEqual({ name: 'cifs' });
  });

  it('keeps the event time and its code for an id it does not map', () => {
    const e = normalizeWindows(evtx(4608, {}), ctx, '');
    expect(e?.['@timestamp']).toBe('2023-03-15T08:01:02.123Z');
    expect(e?.event).toMatchObject({ kind: 'event', code: '4608', dataset: 'windows.security' });
    expect(e?.event?.action).toBeUndefined();
    expect(e?.vigil?.parse_status).toBe('ok');
  });

  it('reads EventData written as a list of named Data elements (generic XML-to-JSON converters)', () => {
    const r = evtx(4634, {
      Data: [
        { '@Name': 'TargetUserName', '#text': 'amartin' },
        { '@Name': 'TargetDomainName', '#text': 'CORP' },
        { '@Name': 'LogonType', '#text': '3' },
      ],
    });
    const e = normalizeWindows(r, ctx, '');
    expect(e?.user).toEqual({ name: 'amartin', domain: 'CORP' });
    expect(e?.winlog).toMatchObject({ logon: { type: 'Network' }, event_data: { TargetUserName: 'amartin', LogonType: '3' } });
  });

  it('takes the time of a Winlogbeat record from winlog.time_created, as Elastic does', () => {
    const e = normalizeWindows(
      {
        '@timestamp': '2023-03-15T09:00:00.000Z',
        winlog: {
          channel: 'Security',
          provider_name: 'Microsoft-Windows-Security-Auditing',
          event_id: '4647',
          time_created: '2023-03-15T08:59:58.500Z',
          keywords: ['Audit Success'],
          event_data: { TargetUserName: 'amartin', TargetDomainName: 'CORP', TargetLogonId: '0x1' },
        },
      },
      ctx,
      '',
    );
    expect(e?.['@timestamp']).toBe('2023-03-15T08:59:58.500Z');
    expect(e?.event).toMatchObject({ action: 'logged-out', category: ['authentication'], type: ['end'], outcome: 'success' });
  });
});
