import { describe, expect, it } from 'vitest';
import { agrees, fieldAt, loadConformance, normalizeCase } from '../../test/support/conformance.js';
import { ecsProblems } from './cloud/ecs-check.js';

/**
 * The ECS conformance suite (`test/fixtures/normalize/conformance/<vendor>/*.jsonl`): each
 * vendor's sample lines, written from the vendor's documented formats, against the ECS that
 * Elastic's integration for that vendor writes, field by field. `bench/ecs-agreement.ts` prints
 * the same comparison as agreement per vendor.
 */
const cases = loadConformance();
const rows = cases.flatMap((c) => Object.entries(c.expected).map(([field, want]) => ({ c, field, want })));

describe('ECS conformance with Elastic integrations', () => {
  it('has cases for every vendor it covers', () => {
    expect(new Set(cases.map((c) => c.vendor))).toEqual(
      new Set([
        'azure',
        'cisco-asa',
        'cloudtrail',
        'fortigate',
        'gcp-audit',
        'linux',
        'o365',
        'okta',
        'panos',
        'pfsense',
        'suricata',
        'vpcflow',
        'windows',
        'zeek',
      ]),
    );
  });

  it.each(cases.map((c) => [c.file, c.name, c] as const))('%s %s normalizes to a valid ECS event', (_f, _n, c) => {
    const e = normalizeCase(c);
    expect(['event', 'alert']).toContain(e.event?.kind);
    // A text vendor's input may open with a header line; the event is the last line's.
    expect(e.event?.original).toBe(c.input.split('\n').pop());
    expect(ecsProblems(e)).toEqual([]);
  });

  it.each(rows.map((r) => [r.c.file, r.c.name, r.field, r] as const))('%s %s: %s', (_f, _n, field, r) => {
    const e = normalizeCase(r.c);
    if (!agrees(e, field, r.want)) expect({ [field]: fieldAt(e, field) }).toEqual({ [field]: r.want });
  });
});
