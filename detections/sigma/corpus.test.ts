/**
 * Loads the whole SigmaHQ corpus (read-only reference beside the repository) to prove the
 * loader never crashes and gives every rejection a reason. Many rules are rejected today for
 * modifiers not implemented yet; the counts are printed, not asserted.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRuleFiles, loadRules } from './load.js';

const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../../shared/sigma/rules', import.meta.url));

describe.skipIf(!existsSync(CORPUS))('SigmaHQ corpus', () => {
  it('loads without crashing and explains every rejection', { timeout: 120_000 }, () => {
    const files = findRuleFiles([CORPUS], []);
    const { rules, errors } = loadRules([CORPUS]);
    const rejected = new Set(errors.map((e) => e.location?.file));
    expect(rules.length + rejected.size).toBe(files.length);
    for (const e of errors) {
      expect(e.message.trim().length).toBeGreaterThan(0);
      expect(['RULE_INVALID', 'RULE_UNSUPPORTED']).toContain(e.code);
      expect(e.location?.file).toBeTruthy();
      expect(e.location?.line).toBeGreaterThan(0);
    }
    const reasons = new Map<string, number>();
    for (const e of errors) {
      const reason = `${e.code}: ${e.message.replace(/position \d+/g, 'position N')}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10);
    console.log(
      `SigmaHQ corpus: ${files.length} files, ${rules.length} loaded, ${rejected.size} rejected (${errors.length} problems)\n` +
        top.map(([r, n]) => `  ${String(n).padStart(5)}  ${r}`).join('\n'),
    );
  });
});
