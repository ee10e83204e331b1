/** Findings as one JSON document: the findings, counts by severity and by check, and what was linted. */
import type { Finding } from '../model.js';

export interface JsonReport {
  readonly files: number;
  readonly documents: number;
  readonly summary: { readonly error: number; readonly warning: number; readonly info: number };
  readonly byCheck: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
}

export function formatJson(
  findings: readonly Finding[],
  summary: { files: number; documents: number },
  show: (file: string) => string = (f) => f,
): JsonReport {
  const byCheck: Record<string, number> = {};
  for (const f of findings) byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return {
    files: summary.files,
    documents: summary.documents,
    summary: { error: count('error'), warning: count('warning'), info: count('info') },
    byCheck,
    findings: findings.map((f) => ({ ...f, file: show(f.file) })),
  };
}
