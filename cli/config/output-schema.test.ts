import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './schema.js';

/** vigil.events is read as ECS by every rule and by the Elasticsearch template: no input may publish another schema there. */
const config = (outputSchema: string) =>
  [
    'inputs:',
    '  - id: fw',
    '    type: syslog',
    '    protocol: udp',
    '    port: 5514',
    '    auth: none',
    `    outputSchema: ${outputSchema}`,
    'sinks:',
    '  - id: es',
    '    type: elasticsearch',
  ].join('\n');

describe('an input’s outputSchema', () => {
  it('refuses ocsf, saying that vigil.events is ECS and where OCSF is', () => {
    let err: unknown;
    try {
      parseConfig(config('ocsf'), 'vigil.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => [p.code, p.location?.path, p.location?.line])).toEqual([['CONFIG_ENUM', 'inputs[0].outputSchema', 7]]);
    expect(problems[0]?.message).toMatch(/vigil\.events is always ECS/);
    expect(problems[0]?.message).toMatch(/vigil parse --schema ocsf/);
  });

  it('still accepts ecs, the only schema of vigil.events', () => {
    expect(parseConfig(config('ecs'), 'vigil.yaml').inputs[0]).toMatchObject({ id: 'fw', outputSchema: 'ecs' });
  });
});
