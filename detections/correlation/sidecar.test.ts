import { describe, expect, it } from 'vitest';
import { loadCorrelationText } from './load.js';
import { parseCorrelationSidecar, runCorrelationSidecar } from './sidecar.js';

const RULES = `title: Failed Login
id: 0b6f3f0e-9c1e-4f4e-8d7f-5d1f2a3b4c51
name: failed_login
logsource: { product: linux, service: sshd }
detection:
  selection: { event.outcome: failure }
  condition: selection
---
title: Many Failed Logins
id: 7d2c8a10-43e5-4b8e-a0f1-6e9c2b3d4e52
name: many_failed_logins
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [source.ip]
  timespan: 1m
  condition: { gte: 3 }
level: high
`;

const events = (ip: string, n: number): string => `  - repeat: ${n}
    every: 5s
    event: {'@timestamp': '2026-11-22T10:00:00Z', event: {outcome: failure}, source: {ip: ${ip}}}
`;

describe('correlation sidecars', () => {
  const set = loadCorrelationText(RULES, '/rules/failed.yml');

  it('expands repeated events `every` apart and gives each an id', () => {
    const s = parseCorrelationSidecar(`events:\n${events('192.0.2.1', 3)}expect: []\n`, '/rules/failed.tests.yml');
    expect(s.events.map((e) => [e['@timestamp'], e.vigil?.id])).toEqual([
      ['2026-11-22T10:00:00.000Z', 'failed-0'],
      ['2026-11-22T10:00:05.000Z', 'failed-1'],
      ['2026-11-22T10:00:10.000Z', 'failed-2'],
    ]);
  });

  it.each([
    ['events: {}', "'events' is a list"],
    ['events: [{repeat: 2, every: soon, event: {}}]', 'events[0].every is a timespan'],
    ['events: [{repeat: 2, every: 5s, event: {}}]', "events[0].event has no '@timestamp'"],
    ['expect: [{count: 3}]', "expect[0] needs 'correlation'"],
  ])('refuses %s', (text, message) => {
    expect(() => parseCorrelationSidecar(text, 'x.tests.yml')).toThrow(message);
  });

  it('passes when the file raises exactly the expected alerts', () => {
    const s = parseCorrelationSidecar(
      `events:\n${events('192.0.2.1', 3)}${events('192.0.2.2', 2)}expect:\n  - {correlation: many_failed_logins, group: {source.ip: 192.0.2.1}, count: 3}\n`,
      'failed.tests.yml',
    );
    expect(set.errors).toEqual([]);
    expect(runCorrelationSidecar(set, set.correlations, s)).toEqual({ passed: 1, failures: [] });
  });

  it('fails on a missing alert, a different one, and one not expected', () => {
    const missing = parseCorrelationSidecar(
      `events:\n${events('192.0.2.1', 2)}expect:\n  - {correlation: Many Failed Logins}\n`,
      'f.tests.yml',
    );
    expect(runCorrelationSidecar(set, set.correlations, missing).failures).toEqual([
      expect.stringMatching(/^expect\[0\]: 7d2c8a10-\S+ did not fire/),
    ]);
    const other = parseCorrelationSidecar(
      `events:\n${events('192.0.2.1', 3)}expect:\n  - {correlation: many_failed_logins, group: {source.ip: 192.0.2.9}}\n`,
      'f.tests.yml',
    );
    expect(runCorrelationSidecar(set, set.correlations, other).failures).toEqual([
      expect.stringMatching(/^expect\[0\]: \S+ fired with group \{"source.ip":"192.0.2.1"\}/),
    ]);
    const unexpected = parseCorrelationSidecar(`events:\n${events('192.0.2.1', 3)}expect: []\n`, 'f.tests.yml');
    expect(runCorrelationSidecar(set, set.correlations, unexpected)).toEqual({
      passed: 0,
      failures: [expect.stringMatching(/^unexpected alert of 7d2c8a10-\S+: group \{"source.ip":"192.0.2.1"\}, count 3$/)],
    });
  });
});
