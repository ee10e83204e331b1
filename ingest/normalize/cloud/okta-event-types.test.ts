import { describe, expect, it } from 'vitest';
import { ecsProblems } from './ecs-check.js';
import { OKTA_EVENT_TYPES } from './okta-event-types.js';
import { ELASTIC_OKTA_TABLE } from './okta-event-table.js';

const rows = ELASTIC_OKTA_TABLE.split('\n').filter((l) => l.trim() !== '');

describe("Okta event types (Elastic's okta integration)", () => {
  it('holds every row of the table once, each with a category and well-formed values', () => {
    const names = rows.map((l) => l.split(' ')[0]);
    expect(rows.length).toBeGreaterThan(1000);
    expect(new Set(names).size).toBe(rows.length);
    for (const l of rows) expect(l, l).toMatch(/^[\w.-]+ [a-z_]+(,[a-z_]+)* ([a-z_]+(,[a-z_]+)*|-)$/);
    expect(Object.keys(OKTA_EVENT_TYPES).sort()).toEqual([...names].sort());
  });

  it('unites the pipeline’s fixed lists with the table', () => {
    // Fixed: iam + group, change; table: iam + creation, group, user.
    expect(new Set(OKTA_EVENT_TYPES['group.user_membership.add']?.type)).toEqual(new Set(['group', 'change', 'creation', 'user']));
    // Fixed: authentication + session, start + info; table: session + start.
    expect(new Set(OKTA_EVENT_TYPES['user.session.start']?.category)).toEqual(new Set(['authentication', 'session']));
    expect(new Set(OKTA_EVENT_TYPES['user.session.start']?.type)).toEqual(new Set(['start', 'info']));
    // Table only.
    expect(OKTA_EVENT_TYPES['device.lifecycle.deactivate']).toEqual({ category: ['host'], type: ['end', 'start'] });
  });

  it('never writes event.type network, which ECS does not allow (Elastic does for rate limits and blocked requests)', () => {
    for (const t of ['security.request.blocked', 'system.org.rate_limit.violation', 'core.concurrency.org.limit.violation'])
      expect(OKTA_EVENT_TYPES[t]?.type, t).not.toContain('network');
  });

  it('gives only ECS-allowed categorizations, each type expected by one of the categories', () => {
    const bad = Object.entries(OKTA_EVENT_TYPES).flatMap(([t, c]) =>
      ecsProblems({ event: { category: [...c.category], ...(c.type.length > 0 ? { type: [...c.type] } : {}) } }).map((p) => `${t}: ${p}`),
    );
    expect(bad).toEqual([]);
  });
});
