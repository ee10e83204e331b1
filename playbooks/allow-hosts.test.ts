import { describe, expect, it } from 'vitest';
import { isVigilError } from '../core/errors/index.js';
import { allowHostsFor, allowRefOf, singleHostProblem } from './allow-hosts.js';
import { parsePlaybook } from './load.js';

const SPEC = {
  inputs: { firewall: { type: 'string' as const }, hours: { type: 'number' as const } },
  secrets: ['FW_HOST'],
};

describe('allow_hosts entries that follow an input or a secret', () => {
  it.each([
    ['${{ $.inputs.firewall }}', { kind: 'input', name: 'firewall' }],
    ['${{secrets.FW_HOST}}', { kind: 'secret', name: 'FW_HOST' }],
  ])('%s follows %j', (entry, ref) => {
    expect(allowRefOf(entry, SPEC)).toEqual(ref);
  });

  it.each([
    ['${{ $.incident.source.ip }}', /never the incident/],
    ['${{ $.steps.lookup.host }}', /never the incident or a step result/],
    ['${{ $.item }}', /exactly one/],
    ['fw-${{ $.inputs.firewall }}', /exactly one/],
    ['${{ $.inputs.firewall ?? "fw1" }}', /exactly one/],
    ['${{ $.inputs.nothing }}', /input "nothing", which is not declared/],
    ['${{ $.inputs.hours }}', /of type number; a host is a string input/],
    ['${{ secrets.OTHER }}', /secret "OTHER", which is not declared/],
  ])('%s is refused', (entry, why) => {
    expect(allowRefOf(entry, SPEC)).toMatch(why);
  });

  it.each([
    ['fw1.example.org', undefined],
    ['10.0.0.1', undefined],
    ['fd00::1', undefined],
    ['10.0.0.0/8', /is a network/],
    ['*.corp.example', /is a wildcard/],
    ['169.254.169.254', /metadata/],
    ['metadata.google.internal', /metadata/],
    ['http://10.0.0.1/', /not a host name/],
    ['', /not a host name/],
    [42, /not a host name/],
  ])('a value %j: %s', (value, why) => {
    const got = singleHostProblem(value);
    if (why === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(why);
  });

  it('reads the values when the step runs; literal entries stay as written', () => {
    const allow = allowHostsFor(
      ['${{ $.inputs.firewall }}', '${{ secrets.FW_HOST }}', 'siem.internal'],
      {
        inputs: { firewall: ' 10.1.2.3 ' },
        secrets: { FW_HOST: 'fw2.corp.example' },
      },
      'playbook p step s',
    );
    expect(allow).toEqual(['10.1.2.3', 'fw2.corp.example', 'siem.internal']);
  });

  it('fails the step with TEMPLATE_INVALID for a missing value or one that is not one host, naming no secret value', () => {
    const attempt = (inputs: Record<string, unknown>, secrets: Record<string, string>, entry: string) => {
      try {
        allowHostsFor([entry], { inputs, secrets }, 'playbook p step s');
      } catch (err) {
        if (isVigilError(err)) return { code: err.code, message: err.message };
        throw err;
      }
      return undefined;
    };
    expect(attempt({}, {}, '${{ $.inputs.firewall }}')).toEqual({
      code: 'TEMPLATE_INVALID',
      message: 'playbook p step s: allow_hosts entry ${{ $.inputs.firewall }} has no value',
    });
    expect(attempt({ firewall: '0.0.0.0/0' }, {}, '${{ $.inputs.firewall }}')?.message).toMatch(/\("0\.0\.0\.0\/0"\) is a network/);
    const secret = attempt({}, { FW_HOST: '10.0.0.0/8' }, '${{ secrets.FW_HOST }}');
    expect(secret?.code).toBe('TEMPLATE_INVALID');
    expect(secret?.message).not.toContain('10.0.0.0/8');
  });
});

describe('a playbook with such entries', () => {
  const text = (entry: string, extra: string[] = []) =>
    [
      'id: p',
      'secrets: [FW_KEY]',
      'trigger: { selection: { incident.severity: high }, condition: selection }',
      'inputs:',
      '  firewall: { type: string, default: fw1.example.org }',
      ...extra,
      'steps:',
      '  - ref: block',
      '    action: http.request',
      '    args: { url: "https://fw1.example.org/block" }',
      `    allow_hosts: [siem.internal, '${entry}']`,
    ].join('\n');

  it('loads when the entry follows a declared string input or a declared secret', () => {
    for (const entry of ['${{ $.inputs.firewall }}', '${{ secrets.FW_KEY }}']) {
      const r = parsePlaybook(text(entry), 'p.yml', { secrets: ['FW_KEY'] });
      expect(r.problems).toEqual([]);
      expect(r.playbook?.steps[0]?.allowHosts).toEqual(['siem.internal', entry]);
    }
  });

  it('does not load, with file:line, when the entry reads the incident', () => {
    const r = parsePlaybook(text('${{ $.incident.source.ip }}'), 'p.yml', { secrets: ['FW_KEY'] });
    expect(r.playbook).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.location?.file, p.location?.line])).toEqual([['PLAYBOOK_INVALID', 'p.yml', 10]]);
    expect(r.problems[0]?.message).toMatch(/allow_hosts entry "\$\{\{ \$\.incident\.source\.ip \}\}" follows exactly one/);
  });
});
