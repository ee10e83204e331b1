/**
 * bench/kafka-clients: the Kafka clients Vigil could build `core/bus` on, side by side on the
 * local broker, each in a fresh process per run (so the first run after start is measured too):
 *
 *   a. produce N ~300-byte JSON records to a fresh 6-partition topic, gzip, acks=all,
 *      idempotent; records/s and the process's CPU seconds (user + system, librdkafka's threads
 *      included);
 *   b. consume them back in a consumer group (read committed); records/s;
 *   c. a transactional consume-process-produce hop: read the topic, write each record to a
 *      second topic and commit the input offsets in the same transaction; records/s. Then the
 *      output is read back (read committed) and every input record must be there exactly once.
 *
 * Clients: `kafkajs` is Vigil's own core/bus (patched kafkajs 2.2.4: its batching producer, its
 * consumer loop, its per-partition transactional loop). `platformatic` (@platformatic/kafka) and
 * `confluent` (@confluentinc/kafka-javascript, librdkafka, through its KafkaJS-compatible API)
 * are driven the same way: 16 concurrent callers of 100 records for (a), the same records per
 * transaction and one transactional producer per input partition for (c). A client is loaded
 * from /work/main's node_modules, else from `--scratch` (a folder holding `<client>/node_modules`).
 *
 *   node --import tsx bench/kafka-clients.ts [--runs 3] [--records 500000]
 *     [--clients kafkajs,platformatic,confluent] [--tx-records 1000] [--scratch /tmp/kc-scratch]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    records: { type: 'string', default: '500000' },
    clients: { type: 'string', default: 'kafkajs,platformatic,confluent' },
    'tx-records': { type: 'string', default: '1000' },
    scratch: { type: 'string', default: '/tmp/kc-scratch' },
    child: { type: 'string' },
  },
});
const N = num(values, 'records');
const TX_RECORDS = num(values, 'tx-records');
const PARTITIONS = 6;
const CALLERS = 16;
const PER_CALL = 100;
const BROKERS = (process.env.VIGIL_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

interface Figures {
  client: string;
  version: string;
  produceRps: number;
  produceCpuS: number;
  consumeRps: number;
  consumeCpuS: number;
  /** Seconds from starting the consumer to its first record (joining the group). */
  consumeStartS: number;
  hopRps: number;
  hopStartS: number;
  hopCpuS: number;
  /** Output records read back after the hop: missing and duplicated input sequence numbers. */
  hopMissing: number;
  hopDuplicates: number;
}

/** ~300 bytes of ECS-like JSON; `n` first so the verifier finds it without parsing. */
function record(n: number): { key: string; value: string } {
  const host = `host-${n % 50}`;
  const body = {
    n,
    '@timestamp': new Date(1_700_000_000_000 + n).toISOString(),
    host: { name: host },
    event: { kind: 'event', category: ['network'], action: 'connection-accepted' },
    source: { ip: `10.0.${(n >> 8) & 255}.${n & 255}`, port: 1024 + (n % 60000) },
    destination: { ip: '192.168.1.10', port: 443 },
    message: `accepted tcp connection from peer ${n} on listener sshd pid 4242 user=svc-backup`,
  };
  return { key: host, value: JSON.stringify(body) };
}

function sequenceOf(value: Buffer | string): number {
  const s = typeof value === 'string' ? value : value.toString('latin1', 0, 24);
  return Number(/^\{"n":(\d+)/.exec(s)?.[1] ?? -1);
}

/** Checks the hop's output: every input sequence number once. */
class Tally {
  private readonly seen = new Uint8Array(N);
  count = 0;
  add(value: Buffer | string): void {
    const n = sequenceOf(value);
    if (n >= 0 && n < N && this.seen[n]! < 255) this.seen[n]!++;
    this.count++;
  }
  result(): { missing: number; duplicates: number } {
    let missing = 0;
    let duplicates = 0;
    for (const c of this.seen) {
      if (c === 0) missing++;
      else duplicates += c - 1;
    }
    return { missing, duplicates };
  }
}

/** 16 callers × 100 records, as inputs call the bus. */
async function callers(send: (records: Array<{ key: string; value: string }>) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < N) {
        const from = next;
        next += PER_CALL;
        await send(Array.from({ length: Math.min(PER_CALL, N - from) }, (_, i) => record(from + i)));
      }
    }),
  );
}

/** Merges concurrent sends into requests of up to 10 000 records, one in flight (what core/bus's producer does). */
function batcher(sendBatch: (records: Array<{ key: string; value: string }>) => Promise<void>) {
  const queue: Array<{ records: Array<{ key: string; value: string }>; done: () => void; fail: (e: unknown) => void }> = [];
  let busy = false;
  const pump = async () => {
    busy = true;
    while (queue.length > 0) {
      const batch = [];
      let count = 0;
      while (queue.length > 0 && (batch.length === 0 || count + queue[0]!.records.length <= 10_000)) {
        const p = queue.shift()!;
        batch.push(p);
        count += p.records.length;
      }
      try {
        await sendBatch(batch.flatMap((p) => p.records));
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.fail(err);
      }
    }
    busy = false;
  };
  return (records: Array<{ key: string; value: string }>) =>
    new Promise<void>((done, fail) => {
      queue.push({ records, done, fail });
      if (!busy) void pump();
    });
}

/** When the phase in progress saw its first record: the time before it is the group join. */
let firstAt = 0;
const first = (): void => {
  if (firstAt === 0) firstAt = performance.now();
};

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

async function measure<T>(what: () => Promise<T>): Promise<{ seconds: number; cpu: number; startS: number; value: T }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  firstAt = 0;
  const value = await what();
  return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(cpu0), startS: firstAt === 0 ? 0 : (firstAt - t0) / 1000, value };
}

function waitFor(cond: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (cond()) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 5);
  });
}

/** A client's module: from /work/main's node_modules, else from the scratch folder. */
function load(pkg: string, scratchDir: string): { mod: string; from: string } {
  for (const base of [fileURLToPath(import.meta.url), `${values.scratch}/${scratchDir}/package.json`]) {
    try {
      return { mod: createRequire(base).resolve(pkg), from: base };
    } catch {
      // next place
    }
  }
  throw new Error(`${pkg} is installed neither in /work/main nor in ${values.scratch}/${scratchDir}`);
}

function versionOf(resolved: string, pkg: string): string {
  const root = resolved.slice(0, resolved.indexOf(pkg) + pkg.length);
  return (createRequire(resolved)(`${root}/package.json`) as { version: string }).version;
}

interface Topics {
  input: string;
  output: string;
}

async function createTopics(): Promise<Topics & { drop: () => Promise<void> }> {
  const id = randomBytes(4).toString('hex');
  const topics = { input: `bench.kc.${id}.in`, output: `bench.kc.${id}.out` };
  const admin = new kafkajs.Kafka({ brokers: BROKERS, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [topics.input, topics.output].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
  });
  return {
    ...topics,
    drop: async () => {
      await admin.deleteTopics({ topics: [topics.input, topics.output] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Reads the hop's output topic back, read committed, with plain kafkajs (the same reader for every client). */
async function verify(topic: string): Promise<{ missing: number; duplicates: number }> {
  const tally = new Tally();
  const consumer = new kafkajs.Kafka({ brokers: BROKERS, logLevel: kafkajs.logLevel.NOTHING }).consumer({
    groupId: `bench-kc-verify-${randomBytes(4).toString('hex')}`,
    readUncommitted: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) tally.add(m.value);
    },
  });
  // Duplicates would show as more than N: wait for N, then a little longer for any extra.
  await waitFor(() => tally.count >= N, `${N} records in ${topic}`, 300_000).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.disconnect();
  return tally.result();
}

type Phases = {
  produce: (t: Topics) => Promise<void>;
  consume: (t: Topics) => Promise<void>;
  hop: (t: Topics) => Promise<void>;
  close: () => Promise<void>;
};

/** Vigil's core/bus: patched kafkajs. */
async function vigilBus(): Promise<Phases> {
  // Imported here: the other clients' runs need nothing of Vigil's.
  const { Bus } = await import('../core/bus/index.js');
  const { testConfig } = await import('../test/support/config.js');
  const config = testConfig('bench-kc');
  config.kafka.compression = 'gzip';
  const bus = new Bus(config.kafka, 'bench');
  const producer = await bus.producer();
  return {
    produce: (t) => callers((records) => producer.send(t.input, records)),
    consume: async (t) => {
      let count = 0;
      const loop = await bus.consume(`consume-${randomBytes(3).toString('hex')}`, {
        topics: [t.input],
        component: 'bench',
        handler: async (records) => {
          first();
          for (const r of records) if (r.value.length > 0) count++;
        },
      });
      await waitFor(() => count >= N, 'consume');
      await loop.stop();
    },
    hop: async (t) => {
      let count = 0;
      const loop = await bus.consumeTransactional(`hop-${randomBytes(3).toString('hex')}`, {
        topics: [t.input],
        component: 'bench',
        maxRecordsPerTransaction: TX_RECORDS,
        handler: async (records) => (
          first(),
          {
            records: records.map((r) => ({ topic: t.output, key: r.key, value: r.value })),
            onCommitted: () => (count += records.length),
          }
        ),
      });
      await waitFor(() => count >= N, 'hop');
      await loop.stop();
    },
    close: () => bus.close(),
  };
}

/** @platformatic/kafka: pure TypeScript. */
async function platformatic(mod: string): Promise<Phases> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- loaded from a path, untyped here
  const k: any = await import(pathToFileURL(mod).href);
  const base = { bootstrapBrokers: BROKERS, clientId: 'bench-kc-plt' };
  const producer = new k.Producer({
    ...base,
    idempotent: true,
    acks: -1,
    compression: k.CompressionAlgorithms.GZIP,
    serializers: k.stringSerializers,
  });
  const txProducers: Array<{ close: () => Promise<void> }> = [];
  return {
    produce: async (t) => {
      const send = batcher(async (records) => {
        await producer.send({ messages: records.map((r) => ({ topic: t.input, key: r.key, value: r.value })) });
      });
      await callers(send);
    },
    consume: async (t) => {
      const consumer = new k.Consumer({ ...base, groupId: `bench-kc-plt-c-${randomBytes(3).toString('hex')}` });
      const stream = await consumer.consume({
        topics: [t.input],
        mode: k.MessagesStreamModes.COMMITTED,
        fallbackMode: k.MessagesStreamFallbackModes.EARLIEST,
        isolationLevel: k.FetchIsolationLevels.READ_COMMITTED,
        autocommit: 1000,
        maxBytesPerPartition: 1 << 20,
      });
      let count = 0;
      stream.on('data', (m: { value: Buffer }) => {
        first();
        if (m.value.length > 0) count++;
      });
      await waitFor(() => count >= N, 'consume');
      await stream.close();
      await consumer.close(true);
    },
    hop: async (t) => {
      const groupId = `bench-kc-plt-h-${randomBytes(3).toString('hex')}`;
      const consumer = new k.Consumer({ ...base, groupId });
      const stream = await consumer.consume({
        topics: [t.input],
        mode: k.MessagesStreamModes.COMMITTED,
        fallbackMode: k.MessagesStreamFallbackModes.EARLIEST,
        isolationLevel: k.FetchIsolationLevels.READ_COMMITTED,
        autocommit: false,
        maxBytesPerPartition: 1 << 20,
      });
      let committed = 0;
      let buffered = 0;
      // One transactional producer and one queue per input partition, as core/bus does.
      const lanes = new Map<number, { queue: Array<{ key: Buffer; value: Buffer }>; busy: boolean; producer: any }>(); // eslint-disable-line @typescript-eslint/no-explicit-any
      const drain = async (partition: number) => {
        const lane = lanes.get(partition)!;
        lane.busy = true;
        while (lane.queue.length > 0) {
          const batch = lane.queue.splice(0, TX_RECORDS);
          const tx = await lane.producer.beginTransaction();
          await tx.addConsumer(consumer);
          await tx.send({ messages: batch.map((m) => ({ topic: t.output, key: m.key, value: m.value })) });
          await tx.addOffset(batch[batch.length - 1]);
          await tx.commit();
          committed += batch.length;
          buffered -= batch.length;
          if (buffered < 20_000 && stream.isPaused()) stream.resume();
        }
        lane.busy = false;
      };
      let failure: unknown = null;
      stream.on('data', (m: { partition: number; key: Buffer; value: Buffer }) => {
        first();
        let lane = lanes.get(m.partition);
        if (!lane) {
          const p = new k.Producer({
            ...base,
            clientId: `${base.clientId}-tx-${m.partition}`,
            idempotent: true,
            acks: -1,
            compression: k.CompressionAlgorithms.GZIP,
            transactionalId: `${groupId}-${m.partition}`,
          });
          txProducers.push(p);
          lanes.set(m.partition, (lane = { queue: [], busy: false, producer: p }));
        }
        lane.queue.push(m);
        buffered++;
        if (buffered > 50_000) stream.pause();
        if (!lane.busy) drain(m.partition).catch((err: unknown) => (failure = err));
      });
      await waitFor(() => committed >= N || failure !== null, 'hop');
      if (failure) throw failure;
      await stream.close();
      await consumer.close(true);
    },
    close: async () => {
      await producer.close();
      for (const p of txProducers) await p.close();
    },
  };
}

/** @confluentinc/kafka-javascript: librdkafka through its KafkaJS-compatible API. */
async function confluent(mod: string): Promise<Phases> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- loaded from a path, untyped here
  const { KafkaJS: K } = createRequire(import.meta.url)(mod) as any;
  const kafka = new K.Kafka({ kafkaJS: { brokers: BROKERS, clientId: 'bench-kc-ck', logLevel: K.logLevel.ERROR } });
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1, compression: K.CompressionTypes.GZIP } });
  await producer.connect();
  const closers: Array<() => Promise<void>> = [() => producer.disconnect()];
  return {
    // librdkafka batches itself (linger): the callers' sends go to it directly.
    produce: (t) =>
      callers(async (records) => {
        await producer.send({ topic: t.input, messages: records });
      }),
    consume: async (t) => {
      let count = 0;
      const consumer = kafka.consumer({
        kafkaJS: { groupId: `bench-kc-ck-c-${randomBytes(3).toString('hex')}`, fromBeginning: true, autoCommit: true },
        'js.consumer.max.batch.size': 10_000,
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [t.input] });
      await consumer.run({
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatch: async ({ batch }: { batch: { messages: Array<{ value: Buffer }> } }) => {
          first();
          for (const m of batch.messages) if (m.value.length > 0) count++;
        },
      });
      await waitFor(() => count >= N, 'consume');
      await consumer.disconnect();
    },
    hop: async (t) => {
      let count = 0;
      const groupId = `bench-kc-ck-h-${randomBytes(3).toString('hex')}`;
      const consumer = kafka.consumer({
        kafkaJS: { groupId, fromBeginning: true, autoCommit: false },
        'js.consumer.max.batch.size': TX_RECORDS,
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [t.input] });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped module
      const producers = new Map<number, Promise<any>>();
      const producerFor = (partition: number) => {
        const p = producers.get(partition);
        if (!p) {
          const tp = kafka.producer({
            kafkaJS: {
              transactionalId: `${groupId}-${partition}`,
              idempotent: true,
              maxInFlightRequests: 1,
              compression: K.CompressionTypes.GZIP,
            },
          });
          closers.push(() => tp.disconnect());
          const connected: Promise<any> = tp.connect().then(() => tp); // eslint-disable-line @typescript-eslint/no-explicit-any
          producers.set(partition, connected);
          return connected;
        }
        return p;
      };
      await consumer.run({
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatchAutoResolve: false,
        eachBatch: async ({
          batch,
          resolveOffset,
        }: {
          batch: { topic: string; partition: number; messages: Array<{ key: Buffer; value: Buffer; offset: string }> };
          resolveOffset: (o: string) => void;
        }) => {
          first();
          const tp = await producerFor(batch.partition);
          const last = batch.messages[batch.messages.length - 1]!;
          const tx = await tp.transaction();
          await tx.send({ topic: t.output, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
          await tx.sendOffsets({
            consumer,
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }] }],
          });
          await tx.commit();
          resolveOffset(last.offset);
          count += batch.messages.length;
        },
      });
      await waitFor(() => count >= N, 'hop');
      await consumer.disconnect();
    },
    close: async () => {
      for (const c of closers) await c().catch(() => undefined);
    },
  };
}

async function child(client: string): Promise<void> {
  let phases: Phases;
  let version: string;
  if (client === 'kafkajs') {
    const m = load('kafkajs', 'kafkajs');
    version = `${versionOf(m.mod, 'kafkajs')} (patched, core/bus)`;
    phases = await vigilBus();
  } else if (client === 'platformatic') {
    const m = load('@platformatic/kafka', 'plt');
    version = versionOf(m.mod, '@platformatic/kafka');
    phases = await platformatic(m.mod);
  } else if (client === 'confluent') {
    const m = load('@confluentinc/kafka-javascript', 'confluent');
    version = versionOf(m.mod, '@confluentinc/kafka-javascript');
    phases = await confluent(m.mod);
  } else throw new Error(`unknown client ${client}`);

  const topics = await createTopics();
  try {
    const a = await measure(() => phases.produce(topics));
    const b = await measure(() => phases.consume(topics));
    const c = await measure(() => phases.hop(topics));
    const check = await verify(topics.output);
    const figures: Figures = {
      client,
      version,
      produceRps: N / a.seconds,
      produceCpuS: a.cpu,
      consumeRps: N / b.seconds,
      consumeCpuS: b.cpu,
      consumeStartS: b.startS,
      hopRps: N / c.seconds,
      hopCpuS: c.cpu,
      hopStartS: c.startS,
      hopMissing: check.missing,
      hopDuplicates: check.duplicates,
    };
    console.log(`RESULT ${JSON.stringify(figures)}`);
  } finally {
    await phases.close().catch(() => undefined);
    await topics.drop();
  }
}

function runChild(client: string): Promise<Figures | string> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', client];
    args.push('--records', String(N), '--tx-records', String(TX_RECORDS), '--scratch', values.scratch);
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_LOG_LEVEL: 'error' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)) as Figures);
      else resolve(`exit ${code}: ${(err || out).trim().split('\n').slice(-6).join(' | ')}`);
    });
  });
}

const range = (xs: number[], digits = 0): string => {
  const f = (x: number) => (digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
  return xs.length === 0 ? '-' : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
};

async function parent(): Promise<void> {
  const clients = values.clients.split(',');
  const runs = num(values, 'runs');
  console.log(
    `bench/kafka-clients: ${N} records of ~300 bytes, ${PARTITIONS} partitions, gzip, acks=all, idempotent; ${TX_RECORDS} records per transaction; ${runs} runs`,
  );
  const results = new Map<string, Figures[]>(clients.map((c) => [c, []]));
  for (let run = 1; run <= runs; run++) {
    // Alternating the order keeps one client from always running on a warmer broker.
    for (const client of run % 2 === 1 ? clients : [...clients].reverse()) {
      const r = await runChild(client);
      if (typeof r === 'string') {
        console.log(`  run ${run} ${client}: FAILED ${r}`);
        continue;
      }
      results.get(client)!.push(r);
      console.log(
        `  run ${run} ${client.padEnd(12)} produce ${Math.round(r.produceRps)}/s (${r.produceCpuS.toFixed(1)} CPU s)  consume ${Math.round(r.consumeRps)}/s (first record ${r.consumeStartS.toFixed(1)} s)  hop ${Math.round(r.hopRps)}/s (first ${r.hopStartS.toFixed(1)} s)  hop output: ${r.hopMissing} missing, ${r.hopDuplicates} duplicated`,
      );
    }
  }
  console.log('\nclient                               produce rec/s      produce CPU s  consume rec/s      hop rec/s        exactly once');
  for (const [client, rs] of results) {
    const version = rs[0]?.version ?? '';
    const eos = rs.length === 0 ? '-' : rs.every((r) => r.hopMissing === 0 && r.hopDuplicates === 0) ? 'yes' : 'NO';
    console.log(
      `${`${client} ${version}`.padEnd(36)} ${range(rs.map((r) => r.produceRps)).padEnd(19)}${range(
        rs.map((r) => r.produceCpuS),
        1,
      ).padEnd(
        15,
      )}${range(rs.map((r) => r.consumeRps)).padEnd(19)}${range(rs.map((r) => r.hopRps)).padEnd(17)}${eos} (${rs.length}/${runs} runs)`,
    );
  }
}

if (values.child) {
  await child(values.child);
  process.exit(0);
} else {
  await parent();
  process.exit(0);
}
