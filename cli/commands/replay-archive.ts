/**
 * `vigil replay --from-archive PATH|s3://bucket/prefix --to-sink NAME --from TIME --to TIME [--config FILE]`
 *
 * Sends archived history to a configured sink: the gzip NDJSON objects the archive sink wrote
 * (read from a local directory or an S3 prefix, whatever prefix they were written under) whose
 * records fall in [from, to) by `@timestamp` (else the time their object was opened) go through
 * the sink's routes and its own delivery code, with the runner's retries and classification: what
 * the sink refuses for good goes to `vigil.deadletter` with its reason, as it would live. Objects
 * of days outside the range are not read; records of topics the sink does not take are skipped.
 * An `s3://` source borrows the endpoint and credentials of the config's archive sink writing to
 * that bucket, else the AWS SDK's defaults.
 */
import { gunzipSync } from 'node:zlib';
import type { BatchContext, InRecord } from '../../core/bus/index.js';
import { Bus } from '../../core/bus/index.js';
import type { KafkaConfig } from '../../core/config/types.js';
import { sendDeadLetters, type DeadLetter } from '../../core/deadletter/index.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { DEFAULT_BACKOFF } from '../../core/retry/index.js';
import { logger } from '../../core/telemetry/index.js';
import { localArchive, s3Archive, s3Client, type ArchiveSource } from '../../sinks/archive/index.js';
import { recordTime } from '../../sinks/archive/partition.js';
import { SINK_DELIVERIES, type SinkConfig, type SinkDelivery } from '../../sinks/index.js';
import { compileRoutes } from '../../sinks/routes/index.js';
import { callFailure, createSinkHandler, type DeliverFn, type SinkTopic } from '../../sinks/runner/index.js';
import { parseArgs } from '../args.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';
import { terminalIo, type ToolIo } from '../io.js';
import { parseTimeRange } from '../kafka-range.js';

export const ARCHIVE_USAGE =
  'usage: vigil replay --from-archive PATH|s3://BUCKET/PREFIX --to-sink NAME --from TIME --to TIME [--config FILE]\n' +
  '  TIME: an ISO 8601 time (2026-11-21T08:00:00Z), now, or now-<n><s|m|h|d> (now-30d)';

const DAY_MS = 86_400_000;
/** Records handed to the sink handler at once (it cuts them into the sink's own batchSize). */
const READ_BATCH = 2000;

function archiveSource(from: string, config: VigilConfig): ArchiveSource {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(from);
  if (!s3) return localArchive(from);
  const [, bucket, prefix] = s3 as unknown as [string, string, string];
  const writer = config.sinks.find((s) => s.type === 'archive' && s.s3?.bucket === bucket);
  const cfg =
    writer?.type === 'archive' && writer.s3
      ? writer.s3
      : { bucket, region: process.env.AWS_REGION ?? 'us-east-1', forcePathStyle: false, partSizeBytes: 8 * 1024 * 1024 };
  return s3Archive(s3Client(cfg), bucket, prefix);
}

export interface ArchiveReplayCounts {
  objects: number;
  read: number;
  selected: number;
  delivered: number;
  deadLettered: number;
  unreadable: number;
}

export async function runArchiveReplay(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const { flags, switches } = parseArgs(argv, {
    flags: ['config', 'from-archive', 'to-sink', 'from', 'to'] as const,
    switches: ['help'] as const,
  });
  if (switches.help) {
    io.out(ARCHIVE_USAGE);
    return 0;
  }
  const source = flags['from-archive'];
  const sinkId = flags['to-sink'];
  if (!source || !sinkId || !flags.from || !flags.to)
    throw new VigilError('CLI_USAGE', `--from-archive, --to-sink, --from and --to are required\n${ARCHIVE_USAGE}`);
  const now = io.now();
  const { fromMs, toMs } = parseTimeRange(flags.from, flags.to, now, ARCHIVE_USAGE);
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const sink = config.sinks.find((s) => s.id === sinkId);
  if (!sink)
    throw new VigilError('CLI_USAGE', `--to-sink ${sinkId}: no such sink; configured: ${config.sinks.map((s) => s.id).join(', ')}`);
  const open = (SINK_DELIVERIES as Record<string, ((s: SinkConfig, ctx: { kafka: KafkaConfig }) => Promise<SinkDelivery>) | undefined>)[
    sink.type
  ];
  if (!open)
    throw new VigilError(
      'CLI_USAGE',
      `--to-sink ${sinkId}: a ${sink.type} sink cannot be replayed into; replay supports ${Object.keys(SINK_DELIVERIES).join(', ')}`,
    );

  const log = logger('replay', { sink: sink.id, type: sink.type });
  const archive = archiveSource(source, config);
  const bus = new Bus(config.kafka, 'replay');
  const counts: ArchiveReplayCounts = { objects: 0, read: 0, selected: 0, delivered: 0, deadLettered: 0, unreadable: 0 };
  const refusals = new Map<string, number>();
  let delivery: SinkDelivery | undefined;
  let stopping = false;
  const onSignal = () => (stopping = true);
  process.once('SIGINT', onSignal);
  try {
    delivery = await open(sink, { kafka: config.kafka });
    const inner = delivery.deliver;
    const deliver: DeliverFn = async (batch, ctx) => {
      const verdicts = await inner(batch, ctx);
      // A call that failed as a whole is sent again whole: its `ok` records count when it stands.
      if (!callFailure(verdicts)) counts.delivered += verdicts.filter((v) => v.outcome === 'ok').length;
      return verdicts;
    };
    const publisher = await bus.producer();
    const topics = new Map<string, SinkTopic>();
    const handler = createSinkHandler({
      id: sink.id,
      deliver,
      topics,
      batchSize: sink.batchSize,
      maxRetries: sink.maxRetries,
      backoff: DEFAULT_BACKOFF,
      timeoutMs: 'timeoutMs' in sink ? sink.timeoutMs : 30_000,
      router: compileRoutes('routes' in sink ? sink.routes : undefined, { sink: sink.id }),
      deadLetter: async (letters: DeadLetter[]) => {
        counts.deadLettered += letters.length;
        for (const l of letters) refusals.set(l.reason, (refusals.get(l.reason) ?? 0) + 1);
        await sendDeadLetters(publisher, bus.topics.deadletter, letters);
      },
      log,
    });
    const takes = new Set<string>(sink.topics);

    for await (const obj of archive.list()) {
      if (stopping) break;
      if (obj.day + DAY_MS <= fromMs || obj.day >= toMs || !takes.has(obj.topic)) continue;
      counts.objects++;
      // The object is the record's origin in a dead letter: `archive:<key>`, offset = line number.
      const origin = `archive:${obj.key}`;
      topics.set(origin, obj.topic);
      const ctx: BatchContext = { topic: origin, partition: 0, heartbeat: async () => undefined, isStopping: () => stopping };
      let text: string;
      try {
        text = gunzipSync(await archive.read(obj.key)).toString('utf8');
      } catch (err) {
        counts.unreadable++;
        io.err(`${archive.where}/${obj.key}: unreadable: ${errorMessage(err)}`);
        continue;
      }
      let pending: InRecord[] = [];
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (line === '') continue;
        counts.read++;
        let doc: unknown;
        try {
          doc = JSON.parse(line);
        } catch {
          doc = undefined;
        }
        // A line that is not a JSON object still goes through: the handler dead-letters it with its bytes.
        const t = doc !== null && typeof doc === 'object' ? recordTime(doc as Record<string, unknown>, obj.openedAt) : obj.openedAt;
        if (t < fromMs || t >= toMs) continue;
        counts.selected++;
        pending.push({
          topic: origin,
          partition: 0,
          offset: String(i + 1),
          key: null,
          value: Buffer.from(line),
          headers: {},
          timestamp: t,
        });
        if (pending.length >= READ_BATCH) {
          await handler(pending, ctx);
          pending = [];
        }
      }
      if (pending.length > 0) await handler(pending, ctx);
      io.progress?.(`\r\x1b[K${counts.objects} objects, ${counts.selected} records selected, ${counts.delivered} delivered`);
    }
    if (io.progress) io.progress('\r\x1b[K');
  } finally {
    process.removeListener('SIGINT', onSignal);
    archive.close();
    await delivery?.close();
    await bus.close();
  }

  io.out(
    `replayed ${archive.where} ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()} into ${sink.type} sink ${sink.id}${stopping ? ' (interrupted)' : ''}`,
  );
  io.out(
    `  objects ${counts.objects}  read ${counts.read}  selected ${counts.selected}  delivered ${counts.delivered}  dead-lettered ${counts.deadLettered}  dropped by routes ${counts.selected - counts.delivered - counts.deadLettered}` +
      (counts.unreadable > 0 ? `  unreadable objects ${counts.unreadable}` : ''),
  );
  for (const [reason, n] of [...refusals].sort((a, b) => b[1] - a[1]).slice(0, 10)) io.out(`  ${String(n).padStart(6)}  ${reason}`);
  if (counts.deadLettered > 0) io.out(`dead letters: ${bus.topics.deadletter}`);
  return stopping ? 130 : 0;
}
