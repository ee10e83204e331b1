import { compileDetection } from '../../detections/index.js';
import { VigilError } from '../../core/errors/index.js';
import { OutgoingRecord } from '../runner/outgoing.js';
import type { Parsed, RoutedBatch, Router, SinkTopic } from '../runner/types.js';
import { Aggregator } from './aggregate.js';
import { DedupeWindow } from './dedupe.js';
import { sampler } from './sample.js';
import type { RouteConfig } from './schema.js';
import { BatchTally, SinkRouteStats, UNROUTED } from './stats.js';
import { compileTransforms, type Doc, type Transform } from './transforms.js';

/** One route, compiled once: every closure is built here, none per record. */
export interface CompiledRoute {
  readonly name: string;
  /** Whether the route takes a record of this topic (before `match`). */
  readonly topics: ReadonlySet<SinkTopic> | undefined;
  readonly match: ((doc: object) => boolean) | undefined;
  readonly sample: ((topic: SinkTopic, doc: Doc) => boolean) | undefined;
  readonly transform: Transform | undefined;
  readonly dedupe: DedupeWindow | undefined;
  readonly aggregate: RouteConfig['aggregate'];
}

/** Compiles a route's `match` block; throws a VigilError (RULE_INVALID) listing its problems. */
export function compileMatch(match: unknown, where: { file?: string; path?: string } = {}): (doc: object) => boolean {
  return compileDetection(match, { file: where.file ?? 'vigil.yaml', ...(where.path ? { path: where.path } : {}) });
}

export function compileRoute(cfg: RouteConfig, where: { file?: string; path?: string } = {}): CompiledRoute {
  return {
    name: cfg.name,
    topics: cfg.topics ? new Set(cfg.topics) : undefined,
    match: cfg.match === undefined ? undefined : compileMatch(cfg.match, where),
    sample: cfg.sample && cfg.sample.rate > 1 ? sampler(cfg.sample.rate, cfg.sample.key) : undefined,
    transform: compileTransforms(cfg),
    dedupe: cfg.dedupe ? new DedupeWindow(cfg.dedupe.windowMs, cfg.dedupe.maxEntries) : undefined,
    aggregate: cfg.aggregate,
  };
}

export interface RoutesOptions {
  /** The sink id: metrics label. */
  sink: string;
  /** Clock for dedupe windows; injectable for tests. */
  now?: () => number;
  /** Running totals (for the stats topic); one is made when absent. */
  stats?: SinkRouteStats;
}

/** A router with the stats it keeps, for the runner and the stats publisher. */
export interface CompiledRoutes extends Router {
  readonly stats: SinkRouteStats;
  readonly routes: readonly CompiledRoute[];
}

/**
 * Compiles a sink's `routes:` into the runner's Router. Without routes every record goes through
 * whole as route `default` (still counted). A record takes the first route whose topics and
 * `match` take it; then, in this order: sample, aggregate (or transforms, then dedupe).
 */
export function compileRoutes(routes: readonly RouteConfig[] | undefined, opts: RoutesOptions): CompiledRoutes {
  const compiled = (routes ?? []).map((r, i) => compileRoute(r, { path: `sinks[${opts.sink}].routes[${i}]` }));
  const names = new Set<string>();
  for (const r of compiled) {
    if (names.has(r.name)) throw new VigilError('CONFIG_DUPLICATE_ID', `sink ${opts.sink} has two routes named "${r.name}"`);
    names.add(r.name);
  }
  const all: readonly CompiledRoute[] =
    compiled.length > 0
      ? compiled
      : [
          {
            name: 'default',
            topics: undefined,
            match: undefined,
            sample: undefined,
            transform: undefined,
            dedupe: undefined,
            aggregate: undefined,
          },
        ];
  const now = opts.now ?? Date.now;
  const stats = opts.stats ?? new SinkRouteStats(opts.sink);

  function pick(topic: SinkTopic, doc: Doc): CompiledRoute | undefined {
    for (const r of all) {
      if (r.topics && !r.topics.has(topic)) continue;
      if (!r.match || r.match(doc)) return r;
    }
    return undefined;
  }

  return {
    stats,
    routes: all,
    route(records: Parsed[]): RoutedBatch {
      const tally = new BatchTally();
      const remember: Array<{ window: DedupeWindow; digest: string }> = [];
      const pending = new Map<DedupeWindow, Set<string>>();
      let aggregators: Map<CompiledRoute, Aggregator> | undefined;
      const t = now();

      const out: OutgoingRecord[] = [];
      /** `bytesIn` undefined: a record of the route's own making (an aggregate). */
      const emit = (r: CompiledRoute, topic: SinkTopic, doc: Doc, source: Parsed['source'], bytesIn: number | undefined) => {
        const d = r.transform ? r.transform(doc) : doc;
        const o = new OutgoingRecord(topic, d, r.name, source, bytesIn !== undefined && !r.transform);
        if (r.dedupe) {
          const digest = DedupeWindow.digest(o.json);
          let batchSeen = pending.get(r.dedupe);
          if (!batchSeen) pending.set(r.dedupe, (batchSeen = new Set()));
          if (batchSeen.has(digest) || r.dedupe.isDuplicate(digest, t)) {
            tally.drop(r.name, 'duplicate', bytesIn ?? o.bytes);
            return;
          }
          batchSeen.add(digest);
          remember.push({ window: r.dedupe, digest });
        }
        out.push(o);
      };

      for (const rec of records) {
        const bytesIn = rec.source.value.length;
        const r = pick(rec.topic, rec.doc);
        if (!r) {
          tally.drop(UNROUTED, 'unrouted', bytesIn);
          continue;
        }
        tally.in(r.name, bytesIn);
        if (r.sample && !r.sample(rec.topic, rec.doc)) {
          tally.drop(r.name, 'sampled', bytesIn);
          continue;
        }
        if (r.aggregate) {
          aggregators ??= new Map();
          let agg = aggregators.get(r);
          if (!agg) aggregators.set(r, (agg = new Aggregator(r.name, r.aggregate)));
          agg.add(rec.doc, rec.source, rec.topic);
          tally.drop(r.name, 'aggregated', bytesIn);
          continue;
        }
        emit(r, rec.topic, rec.doc, rec.source, bytesIn);
      }
      if (aggregators) {
        for (const [r, agg] of aggregators) {
          for (const a of agg.flush()) emit(r, a.topic, a.doc, a.source, undefined);
        }
      }
      return {
        out,
        settle() {
          const at = now();
          // Counted here rather than in route(): the sink has read most documents' JSON by now,
          // so counting their bytes does not serialize them a second time.
          for (const o of out) tally.out(o.route, o.bytes);
          for (const { window, digest } of remember) window.remember(digest, at);
          stats.apply(tally);
        },
      };
    },
  };
}
