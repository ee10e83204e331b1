/**
 * Picks up status changes an analyst makes on incident documents in Elasticsearch (Kibana) and
 * writes them to `vigil.incident-status`, then their audit records (who: the edit's
 * `incident.status_by` or `kibana`) to `vigil.actions`, as `vigil incident ack|close|reopen` does.
 *
 * ## How a change is recognised
 * Every document Vigil writes carries `incident.status` and a copy of it, `vigil.emitted_status`.
 * An analyst changes `incident.status` (to `open`, `acknowledged` or `closed`), and may add
 * `incident.status_by` (who), `incident.status_reason` (why) and `incident.status_changed_at`
 * (when; default: when the poller saw it). Vigil itself never writes those three fields, so they
 * can only be the analyst's. A document whose two status fields differ is an analyst's change
 * (`editPending`, core/event/analyst-edit.ts; the ES sink keeps such edits by the same rule).
 *
 * Comparing two fields needs a script, and the minimal Elasticsearch build has no painless; so
 * the query spells "differs" out as one clause per status: `incident.status: s AND NOT
 * vigil.emitted_status: s`, for each of the three. Documents without `vigil.emitted_status`
 * (written before it existed) are left out. The results are paged with `search_after`.
 *
 * Once the builder applies the change it writes the incident again, with both fields equal, and
 * the document no longer matches. Until then the poller remembers what it sent per incident and
 * document version (`_seq_no`), so it does not send it again on every poll; a restarted poller
 * may send it once more, with the same record id (the builder ignores a status it already has).
 *
 * An update of the incident (a new alert) indexed after the analyst's edit but before the
 * builder applied it keeps the edit: the ES sink writes incident documents conditionally and
 * carries a pending edit over (sinks/elasticsearch/analyst-edits.ts).
 */
import type { Client } from '@elastic/elasticsearch';
import type { Publisher } from '../../core/bus/index.js';
import { errorMessage, isVigilError } from '../../core/errors/index.js';
import { EDIT_SOURCE_FIELDS, EMITTED_STATUS_FIELD, editPending, type EditableSource } from '../../core/event/index.js';
import { logger, metrics, type Logger } from '../../core/telemetry/index.js';
import { changeAuditDocument, changeAuditRecord, incidentChangeAudit } from './audit.js';
import { INCIDENT_STATUSES, isIncidentStatus } from './incident.js';
import { statusChange, type StatusChange } from './status.js';
import { publishStatusChanges } from './status-topic.js';

export interface EsStatusPollerOptions {
  /** A client for the cluster the ES sink writes to (`esClient(config.elasticsearch)` from sinks/elasticsearch). */
  es: Client;
  /** The incidents index: `<elasticsearch.indexPrefix>-incidents`. */
  index: string;
  /** Where status changes go (a bus producer). */
  publisher: Publisher;
  /** `incidentStatusTopic(kafka.topicPrefix)`, provisioned (`ensureIncidentStatusTopic`). */
  topic: string;
  /** `vigil.actions` (`topicsFor(kafka.topicPrefix).actions`): each change's audit record, once the change is written. */
  actionsTopic: string;
  /** Between the end of one poll and the start of the next, in ms. Default 5000. */
  intervalMs?: number;
  /** Documents per search request. Default 500. */
  pageSize?: number;
  /** The clock, for `at` when the analyst gave none. */
  now?: () => Date;
  log?: Logger;
}

/** The documents whose `incident.status` differs from `vigil.emitted_status`, without a script. */
export function analystChangesQuery(): Record<string, unknown> {
  return {
    bool: {
      filter: [{ exists: { field: EMITTED_STATUS_FIELD } }],
      should: INCIDENT_STATUSES.map((s) => ({
        bool: { filter: [{ term: { 'incident.status': s } }], must_not: [{ term: { [EMITTED_STATUS_FIELD]: s } }] },
      })),
      minimum_should_match: 1,
    },
  };
}

/** What the poller reads of a hit. */
export interface StatusHit {
  _id?: string;
  _seq_no?: number;
  _primary_term?: number;
  _source?: unknown;
  sort?: unknown[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The status change a hit stands for, or null when it is not one (status equal, unknown, no id). Pure. */
export function statusChangeFromHit(hit: StatusHit, now: Date): StatusChange | null {
  const src = (hit._source ?? {}) as EditableSource;
  const inc = src.incident ?? {};
  const id = str(inc.id) ?? str(hit._id);
  const status = inc.status;
  if (!id || !isIncidentStatus(status) || !editPending(src)) return null;
  const given = str(inc.status_changed_at);
  const at = given && Number.isFinite(Date.parse(given)) ? given : now;
  const reason = str(inc.status_reason);
  return statusChange({
    incidentId: id,
    status,
    at,
    by: str(inc.status_by) ?? 'kibana',
    ...(reason ? { reason } : {}),
    source: 'elasticsearch',
    nonce: `${hit._primary_term ?? ''}:${hit._seq_no ?? ''}`,
  });
}

export class EsStatusPoller {
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly now: () => Date;
  /** Incident id → `status@term:seq` last sent, while the document still differs. */
  private readonly sent = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly opts: EsStatusPollerOptions) {
    this.log = opts.log ?? logger('incident-status-poller', { index: opts.index });
    this.intervalMs = opts.intervalMs ?? 5000;
    this.pageSize = opts.pageSize ?? 500;
    this.now = opts.now ?? (() => new Date());
  }

  /** One pass: finds the analysts' changes, writes those not sent yet, returns them. A missing index is no change. */
  async pollOnce(): Promise<StatusChange[]> {
    const found = new Map<string, { change: StatusChange; sig: string; from?: string }>();
    const now = this.now();
    let after: unknown[] | undefined;
    for (;;) {
      const res = await this.opts.es.search({
        index: this.opts.index,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: this.pageSize,
        seq_no_primary_term: true,
        query: analystChangesQuery(),
        sort: [{ 'incident.id': { order: 'asc' } }],
        _source: ['incident.id', ...EDIT_SOURCE_FIELDS],
        ...(after ? { search_after: after as never } : {}),
      });
      const hits = res.hits.hits as StatusHit[];
      for (const hit of hits) {
        const change = statusChangeFromHit(hit, now);
        const from = (hit._source as EditableSource | undefined)?.vigil?.emitted_status;
        if (change)
          found.set(change.incident_id, {
            change,
            sig: `${change.status}@${hit._primary_term ?? ''}:${hit._seq_no ?? ''}`,
            ...(typeof from === 'string' ? { from } : {}),
          });
      }
      metrics.received.inc({ kind: 'incident', id: 'es-status-poller' }, hits.length);
      if (hits.length < this.pageSize) break;
      after = hits[hits.length - 1]?.sort;
      if (!after) break;
    }
    // Forget documents that converged (or vanished): a later change of theirs is new.
    for (const id of [...this.sent.keys()]) if (!found.has(id)) this.sent.delete(id);
    const fresh = [...found.values()].filter(({ change, sig }) => this.sent.get(change.incident_id) !== sig);
    if (fresh.length > 0) {
      await publishStatusChanges(
        this.opts.publisher,
        this.opts.topic,
        fresh.map((f) => f.change),
      );
      const audits = fresh.flatMap(({ change, from }) => incidentChangeAudit(change, { name: change.by, role: 'kibana' }, from) ?? []);
      await this.opts.publisher.send(
        this.opts.actionsTopic,
        audits.map((a) => changeAuditRecord(changeAuditDocument(a))),
      );
      for (const f of fresh) {
        this.sent.set(f.change.incident_id, f.sig);
        this.log.info({ incident: f.change.incident_id, status: f.change.status, by: f.change.by }, 'analyst changed an incident status');
      }
      metrics.sent.inc({ kind: 'incident', id: 'es-status-poller' }, fresh.length);
    }
    return fresh.map((f) => f.change);
  }

  /** Polls every `intervalMs` until `stop()`; a failed poll is logged, counted and retried at the next tick. */
  start(): this {
    this.stopped = false;
    const tick = () => {
      this.timer = null;
      this.running = this.pollOnce()
        .catch((err: unknown) => {
          metrics.errors.inc({ kind: 'incident', id: 'es-status-poller', code: isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE' });
          this.log.warn({ err: errorMessage(err) }, 'polling incident statuses failed; retrying at the next interval');
        })
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
    return this;
  }

  /** Stops the timer and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}

export function startEsStatusPoller(opts: EsStatusPollerOptions): EsStatusPoller {
  return new EsStatusPoller(opts).start();
}
