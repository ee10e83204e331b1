/** Findings as text: one line per finding (`file:line:col  severity  check-id  message`) and a summary. */
import type { Finding, Severity } from '../model.js';

export function formatText(
  findings: readonly Finding[],
  summary: { files: number; documents: number },
  show: (file: string) => string = (f) => f,
): string[] {
  const lines = findings.map((f) => `${show(f.file)}:${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.check}  ${f.message}`);
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  lines.push(
    `${summary.files} file${summary.files === 1 ? '' : 's'}, ${summary.documents} document${summary.documents === 1 ? '' : 's'}: ` +
      `${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info`,
  );
  return lines;
}
