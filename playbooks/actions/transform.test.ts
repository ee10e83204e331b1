import { describe, expect, it } from 'vitest';
import { VigilError } from '../../core/errors/index.js';
import { ACTIONS } from './registry.js';

const run = (args: Record<string, unknown>) => ACTIONS.transform.run(args, { signal: new AbortController().signal });
const vt = {
  status: 200,
  body: {
    data: {
      id: '203.0.113.9',
      attributes: { reputation: -12, last_analysis_stats: { malicious: 7, harmless: 60 }, tags: ['scanner', 'tor'] },
    },
  },
};

describe('transform', () => {
  it('selects one value with a path', async () => {
    expect(await run({ input: vt, path: '$.body.data.attributes.last_analysis_stats.malicious' })).toBe(7);
    expect(await run({ input: vt, path: "$.body.data.attributes['reputation']" })).toBe(-12);
  });

  it('selects a list with a wildcard path', async () => {
    expect(await run({ input: vt, path: '$.body.data.attributes.tags[*]' })).toEqual(['scanner', 'tor']);
  });

  it('builds an object from fields', async () => {
    const out = await run({
      input: vt,
      fields: {
        ip: '$.body.data.id',
        malicious: '$.body.data.attributes.last_analysis_stats.malicious',
        asn: '$.body.data.attributes.asn',
      },
    });
    expect(out).toEqual({ ip: '203.0.113.9', malicious: 7, asn: null });
  });

  it('yields default when a path finds nothing', async () => {
    expect(await run({ input: vt, path: '$.body.nothing', default: 'unknown' })).toBe('unknown');
    expect(await run({ input: vt, path: '$.body.nothing' })).toBeNull();
  });

  it.each([
    [{ input: vt, path: '$..malicious' }, /recursive descent/],
    [{ input: vt, path: '$.body[?(@.constructor)]' }, /script expressions|unsupported segment/],
    [{ input: vt, path: '$.body[(process.exit())]' }, /script expressions|unsupported segment/],
    [{ input: vt, path: 'body.data' }, /is not a JSONPath/],
    [{ input: vt }, /either path or fields/],
    [{ input: vt, path: '$.a', fields: { a: '$.a' } }, /either path or fields/],
    [{ input: vt, fields: { a: 7 } }, /fields.a must be a JSONPath string/],
  ])('refuses %j', async (args, why) => {
    const err = await run(args).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('ACTION_REJECTED');
    expect((err as VigilError).message).toMatch(why);
  });
});
