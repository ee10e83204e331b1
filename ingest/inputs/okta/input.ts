import type { OktaInputConfig } from './config.js';
import { errorMessage, isVigilError } from '../../../core/errors/index.js';
import { backoffDelay } from '../../../core/retry/index.js';
import { pause as sleep } from '../../poll/pause.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { StateFile, defaultStateFile } from '../../checkpoint/state-file.js';
import { Batch, emit, normalizeRecord, type EmitTarget } from '../../normalize/cloud/index.js';
import { advance, type OktaCheckpoint } from './checkpoint.js';
import { OktaClient } from './client.js';

export interface OktaInput {
  /** Not a listener: always 0. */
  port: number;
  close(): Promise<void>;
  connections(): never[];
}

/**
 * Polls the Okta System Log: from the checkpoint (or `initialLookbackMinutes` ago) with
 * `since`, then page after page through the `next` links. A page's events are published, and
 * only once Kafka acknowledged them is the checkpoint moved past them. A page shorter than
 * `limit` means caught up: wait `pollIntervalSeconds`, then follow the same next link.
 */
export async function startOktaInput(cfg: OktaInputConfig, target: EmitTarget, opts: { fetch?: typeof fetch } = {}): Promise<OktaInput> {
  const log = logger(cfg.id, { kind: 'input', type: 'okta' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const state = new StateFile<OktaCheckpoint>(cfg.stateFile ?? defaultStateFile(cfg.id));
  let checkpoint = await state.load();
  const client = new OktaClient({
    url: cfg.url,
    token: cfg.token,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    onRateLimited: (waitMs, status) => log.info({ waitMs, status }, 'okta rate limit: waiting for the window to reset'),
  });
  const abort = new AbortController();

  const loop = (async () => {
    const since = checkpoint?.published ?? new Date(Date.now() - cfg.initialLookbackMinutes * 60_000).toISOString();
    let url = client.sinceUrl(since, cfg.limit);
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const page = await client.get(url, abort.signal);
        failures = 0;
        const { fresh, checkpoint: next } = advance(checkpoint, page.events);
        if (fresh.length > 0) {
          const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal };
          await emit(target, new Batch(cfg.id).add(fresh.map((e) => normalizeRecord(e, ctx, 'okta'))));
          if (next) {
            checkpoint = next;
            await state.save(next);
          }
        }
        if (page.next) url = page.next;
        if (page.events.length < cfg.limit) await sleep(cfg.pollIntervalSeconds * 1000, abort.signal);
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        const code = isVigilError(err) ? err.code : 'INPUT_REMOTE';
        metrics.errors.inc({ ...labels, code });
        const delay = code === 'INPUT_AUTH' ? cfg.pollIntervalSeconds * 1000 : backoffDelay(failures);
        log.warn({ err: errorMessage(err), delayMs: delay }, 'okta poll failed; retrying');
        await sleep(delay, abort.signal);
      }
    }
  })();
  metrics.up.set(labels, 1);
  log.info({ url: cfg.url, since: checkpoint?.published }, 'okta input polling');

  let closed: Promise<void> | undefined;
  return {
    port: 0,
    connections: () => [],
    close() {
      closed ??= (async () => {
        abort.abort();
        await loop;
        metrics.up.set(labels, 0);
      })();
      return closed;
    },
  };
}
