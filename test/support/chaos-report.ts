/**
 * The fault suite's outcome table: one row per fault and input, printed when a file's tests
 * end and, when VIGIL_CHAOS_REPORT names a file, appended there as JSON lines so that
 * `npm run chaos` prints one table for every file (vitest runs files in separate workers).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface ChaosRow {
  fault: string;
  /** How the events arrived: `relp` (acknowledged), `tcp` (not), or what the row counts. */
  input: string;
  sent: number;
  /** Acknowledged by the pipeline; undefined where the input has no acknowledgement. */
  acked?: number;
  inElasticsearch: number;
  duplicates: number;
  /** Sent but not in Elasticsearch. */
  lost: number;
  /** From the end of the fault until Elasticsearch held everything sent until then. */
  recoveryMs: number;
  /** The bound asserted on recoveryMs. */
  boundMs: number;
}

const HEAD = ['fault', 'input', 'events sent', 'acked', 'in Elasticsearch', 'duplicates', 'lost', 'recovery time (bound)'];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatChaosTable(rows: readonly ChaosRow[]): string {
  const body = rows.map((r) => [
    r.fault,
    r.input,
    String(r.sent),
    r.acked === undefined ? '-' : String(r.acked),
    String(r.inElasticsearch),
    String(r.duplicates),
    String(r.lost),
    `${seconds(r.recoveryMs)} (≤ ${seconds(r.boundMs)})`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(HEAD), line(HEAD.map(() => '---')), ...body.map(line)].join('\n');
}

/** Collects one file's rows; `print` (in afterAll) writes the table to stdout and the shared report. */
export class ChaosReport {
  readonly rows: ChaosRow[] = [];

  add(row: ChaosRow): void {
    this.rows.push(row);
    const file = process.env.VIGIL_CHAOS_REPORT;
    if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
  }

  print(title: string): void {
    if (this.rows.length > 0) console.log(`\n${title}\n${formatChaosTable(this.rows)}\n`);
  }
}

/** The rows a run appended to `file`, in the order they were written. */
export function readChaosReport(file: string): ChaosRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ChaosRow);
}
