import { describe, expect, it } from 'vitest';
import { configLoader, ConfigError } from '../../core/config/index.js';
import { object } from '../../core/config/dsl.js';
import { routesField } from './schema.js';

const loader = configLoader(object({ description: 'A sink with routes.', fields: { routes: routesField } }));

function problems(text: string): Array<{ code: string; line?: number; message: string }> {
  try {
    loader.parseConfig(text, 'vigil.yaml', {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({ code: p.code, line: p.location?.line, message: p.message }));
  }
}

describe('routes schema', () => {
  it('loads a route with a Sigma match block and every transform', () => {
    const cfg = loader.parseConfig(
      `routes:
  - name: auth
    topics: [events]
    match:
      selection:
        event.category: authentication
        event.outcome|contains: fail
      condition: selection
    keep: [user.name, source.ip]
    rename: { source.ip: src }
    hash: { fields: [user.name], secret: "0123456789abcdef" }
    truncate: { message: 1024 }
    sample: { rate: 10, key: host.name }
    dedupe: { windowMs: 60000 }
`,
      'vigil.yaml',
      {},
    );
    expect(cfg.routes?.[0]?.match).toEqual({
      selection: { 'event.category': 'authentication', 'event.outcome|contains': 'fail' },
      condition: 'selection',
    });
    expect(cfg.routes?.[0]?.dedupe).toEqual({ windowMs: 60000, maxEntries: 100000 });
  });

  it('reports a match that does not compile at its line, as a config error', () => {
    const found = problems(`routes:
  - name: ok
  - name: broken
    match:
      selection:
        user.name: root
      condition: selection and nothere
`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'RULE_INVALID', line: 4 });
    expect(found[0]?.message).toContain('route "broken": match does not compile');
    expect(found[0]?.message).toContain('nothere');
  });

  it('reports contradictions and a short HMAC secret', () => {
    const found = problems(`routes:
  - name: x
    keep: [a]
    drop: [a]
    hash: { fields: [user.name], secret: short }
    aggregate: { by: [k], intervalMs: 1000 }
    dedupe: { windowMs: 10 }
`);
    expect(found.map((p) => p.code).sort()).toEqual(['CONFIG_FORMAT']);
    const after = problems(`routes:
  - name: x
    keep: [a]
    drop: [a]
    aggregate: { by: [k], intervalMs: 1000 }
    dedupe: { windowMs: 10 }
`);
    // drop (line 4) and dedupe (line 6) are where the contradictions are written.
    expect(after.map((p) => [p.code, p.line]).sort()).toEqual([
      ['CONFIG_CONFLICT', 4],
      ['CONFIG_CONFLICT', 6],
    ]);
  });
});
