/**
 * Findings as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the form code
 * scanning in CI reads: one run, the checks as `tool.driver.rules`, one result per finding with
 * its physical location. Paths are URIs relative to the working directory (`%SRCROOT%`).
 */
import { isAbsolute } from 'node:path';
import type { CheckInfo, Finding, Severity } from '../model.js';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A path as a URI: relative ones against `%SRCROOT%`, absolute ones as `file://` URIs; each segment percent-encoded. */
function location(path: string): { uri: string; uriBaseId?: string } {
  const encoded = path.split(/[\\/]/).map(encodeURIComponent).join('/');
  return isAbsolute(path) ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: '%SRCROOT%' };
}

export function formatSarif(
  findings: readonly Finding[],
  checks: readonly CheckInfo[],
  version: string,
  show: (file: string) => string = (f) => f,
): object {
  const index = new Map(checks.map((c, i) => [c.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vigil-rules-lint',
            version,
            informationUri: 'https://github.com/SigmaHQ/sigma-specification',
            rules: checks.map((c) => ({
              id: c.id,
              name: c.id,
              shortDescription: { text: c.description },
              fullDescription: { text: c.description },
              defaultConfiguration: { level: LEVEL[c.severity] },
              properties: { group: c.group },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'the directory vigil rules lint ran in' } } },
        results: findings.map((f) => ({
          ruleId: f.check,
          ...(index.has(f.check) && { ruleIndex: index.get(f.check) }),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: location(show(f.file)),
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
      },
    ],
  };
}
