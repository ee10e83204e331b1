import type { ServiceState } from './lifecycle.js';

/** A plain, aligned table for a terminal: service, port, pid, health, log (and a note when there is one). */
export function formatStatusTable(rows: ServiceState[]): string {
  const header = ['SERVICE', 'PORT', 'PID', 'HEALTH', 'LOG'];
  const cells = rows.map((r) => [r.service, String(r.port), r.pid === undefined ? '-' : String(r.pid), r.health, r.logFile]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.service}: ${r.note}`);
  return [line(header), ...cells.map(line), ...notes].join('\n');
}
