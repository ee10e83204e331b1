import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../core/event/index.js';
import { alertRule, buildAlert, firedRule, LEVEL_SCORE } from './alert.js';

const meta = {
  id: 'r-1',
  title: 'Brute force',
  level: 'high' as const,
  status: 'test' as const,
  description: 'Many failed logins',
  tags: ['attack.t1110', 'attack.credential-access', 'detection.emerging-threats'],
  references: ['https://example.org/a', 'https://example.org/b'],
};

const event: EcsEvent = {
  '@timestamp': '2026-11-22T10:00:00.000Z',
  message: 'Failed password for root',
  event: { category: ['authentication'] },
  host: { name: 'web-1' },
  user: { name: 'root' },
  url: { path: '/login' },
  vigil: { id: 'ev-1', input: 'syslog', received_at: '2026-11-22T10:00:01.000Z', parse_status: 'ok' },
} as EcsEvent;

describe('firedRule', () => {
  it('reports the rule with its ATT&CK ids read from its tags', () => {
    expect(firedRule(meta)).toEqual({
      id: 'r-1',
      title: 'Brute force',
      level: 'high',
      status: 'test',
      description: 'Many failed logins',
      tags: meta.tags,
      references: meta.references,
      techniques: ['T1110'],
      tactics: ['credential-access'],
    });
  });

  it('alerts a rule without a level as medium and leaves out what the rule does not say', () => {
    const fired = firedRule({ id: 'r-2', title: 'Bare', tags: [], references: [] });
    expect(fired.level).toBe('medium');
    expect(Object.keys(fired)).not.toContain('status');
    expect(Object.keys(fired)).not.toContain('description');
  });
});

describe('buildAlert', () => {
  const alert = buildAlert(firedRule(meta), event, ['selection'], new Date('2026-11-22T10:00:05.000Z'));

  it('is an ECS alert at the time of its event, scored by its level', () => {
    expect(alert['@timestamp']).toBe(event['@timestamp']);
    expect(alert.event).toMatchObject({ kind: 'alert', severity: LEVEL_SCORE.high, dataset: 'vigil.alerts', category: ['authentication'] });
    expect(alert.message).toBe('Brute force: Failed password for root');
  });

  it('names the rule (first reference only) and its ATT&CK ids', () => {
    expect(alert.rule).toEqual({
      id: 'r-1',
      name: 'Brute force',
      ruleset: 'sigma',
      description: 'Many failed logins',
      reference: 'https://example.org/a',
    });
    expect(alert.threat).toEqual({ framework: 'MITRE ATT&CK', technique: { id: ['T1110'] }, tactic: { name: ['credential-access'] } });
  });

  it('copies the pivot fields of the event and no others', () => {
    expect(alert.host).toEqual({ name: 'web-1' });
    expect(alert.user).toEqual({ name: 'root' });
    expect((alert as Record<string, unknown>).url).toBeUndefined();
  });

  it('has the same id for the same rule and event, whenever it is built', () => {
    const again = buildAlert(firedRule(meta), event, ['selection'], new Date('2027-01-01T00:00:00.000Z'));
    expect(again.vigil?.id).toBe(alert.vigil?.id);
    expect(buildAlert(firedRule({ ...meta, id: 'r-3' }), event, ['selection'], new Date()).vigil?.id).not.toBe(alert.vigil?.id);
  });
});

describe('alertRule', () => {
  it('adds the correlation type as the category', () => {
    expect(alertRule(firedRule({ id: 'c-1', title: 'Burst', tags: [], references: [] }), 'sigma-correlation', 'event_count')).toEqual({
      id: 'c-1',
      name: 'Burst',
      ruleset: 'sigma-correlation',
      category: 'event_count',
    });
  });
});
