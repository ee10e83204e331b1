import { describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { loadRules } from '../sigma/load.js';
import { detectBatch, type RuleMatcher } from './detect.js';
import { IncidentBuilder, incidentRecord } from '../incidents/index.js';
import { toMatcher } from './stage.js';

const matchers = loadRules(['rules/sigma']).rules.map(toMatcher);

function record(value: unknown, offset = 0): InRecord {
  return {
    topic: 'vigil.events',
    partition: 0,
    offset: String(offset),
    key: 'web-01',
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    timestamp: 0,
  };
}

const sudoShell = {
  '@timestamp': '2026-11-21T09:20:11.000Z',
  message: 'deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/bash -i',
  event: { kind: 'event', action: 'sudo', category: ['process'], type: ['start'] },
  process: { name: 'sudo', command_line: '/bin/bash -i' },
  user: { name: 'deploy', effective: { name: 'root' } },
  host: { name: 'web-01' },
  vigil: { id: 'evt-1', input: 'syslog-tcp', received_at: '2026-11-21T09:20:11.100Z', parse_status: 'ok' },
};

describe('detectBatch', () => {
  it('raises an ECS alert and an incident for a matching event', () => {
    const out = detectBatch(matchers, [record(sudoShell)], new Set());
    expect(out.events).toBe(1);
    expect(out.alerts).toHaveLength(1);
    const alert = JSON.parse(String(out.alerts[0]!.value));
    expect(alert.event.kind).toBe('alert');
    expect(alert.rule.name).toBe('Interactive Root Shell Through Sudo');
    expect(alert.threat.technique.id).toContain('T1548.003');
    expect(alert.vigil.alert.selections).toContain('selection');
    expect(alert.vigil.alert.event.vigil.id).toBe('evt-1');
    expect(alert.user).toEqual(sudoShell.user);

    // The incident stage turns the alert into an incident.
    const incident = new IncidentBuilder().add(alert).document!;
    expect(incidentRecord(incident).key).toBe(incident.incident.id);
    expect(incident.incident).toMatchObject({ severity: 'high', status: 'open', alerts: [alert.vigil.id], host: { name: 'web-01' } });
    expect(incident.incident.title).toBe('Interactive Root Shell Through Sudo on web-01');
  });

  it('gives the same alert and incident ids when the same event is detected again', () => {
    const a = detectBatch(matchers, [record(sudoShell)], new Set(), new Date('2026-01-01T00:00:00Z'));
    const b = detectBatch(matchers, [record(sudoShell, 7)], new Set(), new Date('2026-06-01T00:00:00Z'));
    expect(JSON.parse(String(a.alerts[0]!.value)).vigil.id).toBe(JSON.parse(String(b.alerts[0]!.value)).vigil.id);
    const incidentOf = (o: typeof a) => new IncidentBuilder().add(JSON.parse(String(o.alerts[0]!.value))).incidentId;
    expect(incidentOf(a)).toBe(incidentOf(b));
  });

  it('raises nothing for a benign event', () => {
    const benign = { ...sudoShell, process: { name: 'sudo', command_line: '/usr/bin/systemctl restart nginx' } };
    const out = detectBatch(matchers, [record(benign)], new Set());
    expect(out.alerts).toHaveLength(0);
    expect(out.deadLetters).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{"@timestamp":', /not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['no @timestamp', '{"message":"x"}', /missing @timestamp/],
  ])('dead-letters a record that is %s, with its raw bytes', (_name, raw, reason) => {
    const out = detectBatch(matchers, [record(raw, 3)], new Set());
    expect(out.deadLetters).toHaveLength(1);
    expect(out.deadLetters[0]).toMatchObject({ stage: 'detect', code: 'EVENT_INVALID', origin: { offset: '3' } });
    expect(out.deadLetters[0]!.reason).toMatch(reason);
    expect(String(out.deadLetters[0]!.raw)).toBe(raw);
  });

  it('skips a rule that throws for that event only: it keeps matching the next events, and the event is dead-lettered', () => {
    // Throws on one crafted event (a field of an unexpected type), matches every other.
    const fragile: RuleMatcher = {
      fired: { ...matchers[0]!.fired, id: 'fragile-rule' },
      match: (event) => {
        if (typeof event.message !== 'string') throw new TypeError('message.toLowerCase is not a function');
        return ['selection'];
      },
    };
    const crafted = { ...sudoShell, message: { nested: true } };
    const out = detectBatch([fragile, ...matchers], [record(sudoShell), record(crafted, 1), record(sudoShell, 2)], new Set());
    const fragileAlerts = out.alerts.filter((a) => a.headers?.['vigil-rule'] === 'fragile-rule');
    expect(fragileAlerts).toHaveLength(2);
    expect(out.ruleErrors).toEqual(new Map([['fragile-rule', { count: 1, last: 'message.toLowerCase is not a function' }]]));
    expect(out.deadLetters).toHaveLength(1);
    expect(out.deadLetters[0]).toMatchObject({ stage: 'detect', code: 'RULE_MATCH', component: 'fragile-rule', origin: { offset: '1' } });
    expect(out.deadLetters[0]!.reason).toMatch(/skipped for this event.*toLowerCase/);
    expect(JSON.parse(String(out.deadLetters[0]!.raw))).toEqual(crafted);
    // The other rules still saw the crafted event (the sudo rule fires on all three).
    const sudoRule = matchers.find((m) => m.fired.title === 'Interactive Root Shell Through Sudo')!.fired.id;
    expect(out.alerts.filter((a) => a.headers?.['vigil-rule'] === sudoRule)).toHaveLength(3);
  });

  it('skips rules already disabled', () => {
    const id = matchers.find((m) => m.fired.title === 'Interactive Root Shell Through Sudo')!.fired.id;
    const out = detectBatch(matchers, [record(sudoShell)], new Set([id]));
    expect(out.alerts).toHaveLength(0);
  });
});
