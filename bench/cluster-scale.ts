/**
 * bench/cluster-scale: the pipeline on a real 3-broker Kafka cluster, as a SOC that outgrows one
 * broker runs it, under a steady syslog load through every stage; with `--fault leader-kill`,
 * what losing the busiest broker does to throughput, lag and freshness.
 *
 *   node --import tsx bench/cluster-scale.ts [--rate 2000] [--seconds 60] [--detect-instances 1|2|3]
 *     [--fault none|leader-kill] [--fault-at SECONDS] [--down-seconds 15] [--partitions 3]
 *     [--rules ../shared/sigma/rules] [--connections 2] [--sample-seconds 5] [--warmup-seconds 20]
 *
 * The cluster is the fault tests' (test/support/kafka-cluster.ts: three combined KRaft nodes,
 * private ports and data), Vigil's topics replicated three times with `min.insync.replicas=2`;
 * Elasticsearch and Redis are those of `vigil up`. Each stage is its own `vigil run --stage …`
 * process (test/support/chaos-pipeline.ts): ingest (syslog TCP), `--detect-instances` processes
 * of detect (detection, correlation, incidents) in one group, respond (the shipped playbooks
 * against a local webhook) and the Elasticsearch sink. The load is bench/capacity's realistic
 * mix, every line numbered (so every event has an id of its own), held at `--rate` for a
 * warm-up and then `--seconds`.
 *
 * Every `--sample-seconds` the bench reads from the cluster (not from the stages, which may be
 * the ones stalled) the end offsets of `vigil.events` and the committed offsets of every group,
 * and from Elasticsearch the newest event's `@timestamp`. It prints: the rate the sender wrote
 * and what reached `vigil.events`, the lag of each group over time and whether it stayed bounded
 * (growth over the last third within two seconds of traffic, as bench/capacity judges), CPU in
 * cores per stage process, broker node and service, and, after the load stops and the pipeline
 * drains, the events in Elasticsearch against the lines sent (the sink writes each under its
 * deterministic id, so a record written twice is one document) and the dead letters.
 *
 * `--fault leader-kill`: at `--fault-at` seconds (default a third of `--seconds`) the node that
 * leads the most partitions of Vigil's topics is SIGKILLed and started again `--down-seconds`
 * later. Printed: the dip of the ingest and sink rates (the lowest sample against the pre-fault
 * mean), the peak lag, the recovery time (from the kill until the total lag and each group's lag
 * are back at or below the highest seen before the fault), the freshness of Elasticsearch over
 * the fault, and that nothing was lost. If the lag has not recovered by the end of `--seconds`,
 * the load is held up to 180 s longer so that recovery is measured under load.
 *
 * Figures depend on everything else the machine runs (three broker JVMs beside the pipeline on
 * one host): the machine-busy line says how close to the limit it was. Sampling is in
 * bench/cluster-scale-probe.ts, the printout in bench/cluster-scale-report.ts.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { FaultTimes, Sample } from './cluster-scale-report.js';

process.env.VIGIL_LOG_LEVEL ??= 'warn';
const { Bus } = await import('../core/bus/index.js');
const { createKafka } = await import('../core/bus/kafka-client.js');
const { esClient } = await import('../sinks/elasticsearch/index.js');
const { ChaosPipeline } = await import('../test/support/chaos-pipeline.js');
const { startKafkaCluster } = await import('../test/support/kafka-cluster.js');
const { startWebhook } = await import('../test/support/webhook.js');
const { machineCpu, servicePid, treeCpu } = await import('./capacity-probe.js');
const { ClusterProbe, commandLines } = await import('./cluster-scale-probe.js');
const { printReport, recovery, totalLag } = await import('./cluster-scale-report.js');
const { startSender } = await import('./capacity-traffic.js');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '60' },
    'detect-instances': { type: 'string', default: '1' },
    fault: { type: 'string', default: 'none' },
    'fault-at': { type: 'string' },
    'down-seconds': { type: 'string', default: '15' },
    partitions: { type: 'string', default: '3' },
    rules: { type: 'string', multiple: true, default: [] },
    connections: { type: 'string', default: '2' },
    'sample-seconds': { type: 'string', default: '5' },
    'warmup-seconds': { type: 'string', default: '20' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const DETECT = Number(values['detect-instances']);
const FAULT = values.fault;
const FAULT_AT = values['fault-at'] !== undefined ? Number(values['fault-at']) : Math.round(SECONDS / 3);
const DOWN_S = Number(values['down-seconds']);
const SAMPLE_S = Number(values['sample-seconds']);
const WARMUP_S = Number(values['warmup-seconds']);
/** Longest the load is held past `--seconds` while the lag has not recovered from the fault. */
const EXTEND_S = 180;
/** Longest the pipeline is given to drain after the load stops. */
const DRAIN_S = 300;
if (![1, 2, 3].includes(DETECT)) throw new Error(`--detect-instances ${values['detect-instances']}: 1, 2 or 3`);
if (FAULT !== 'none' && FAULT !== 'leader-kill') throw new Error(`--fault ${FAULT}: none or leader-kill`);
if (FAULT === 'leader-kill' && !(FAULT_AT > 0 && FAULT_AT < SECONDS))
  throw new Error(`--fault-at ${FAULT_AT}: between 0 and --seconds ${SECONDS}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p.catch(() => undefined), sleep(ms).then(() => undefined)]);

async function main(): Promise<void> {
  console.log(
    `bench/cluster-scale: 3 brokers (RF 3, min.insync 2), ${DETECT} detect instance(s), ${fmt(RATE)} lines/s for ${SECONDS} s after ${WARMUP_S} s warm-up, ` +
      `${values.partitions} partitions, fault ${FAULT}${FAULT === 'leader-kill' ? ` at ${FAULT_AT} s for ${DOWN_S} s` : ''}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const t0Start = Date.now();
  const cluster = await startKafkaCluster();
  console.log(`cluster up in ${fmt((Date.now() - t0Start) / 1000, 1)} s: ${cluster.brokers.join(', ')}`);
  const webhook = await startWebhook(0);
  const pipeline = await ChaosPipeline.create({
    name: 'scale',
    kafkaBrokers: cluster.brokers,
    replication: { factor: 3, minInsync: 2 },
    socWebhookUrl: webhook.url,
  });
  // Read when each stage's config file is written, at its first start.
  pipeline.config.kafka = { ...pipeline.config.kafka, partitions: Number(values.partitions) };
  pipeline.config.detections = { ...pipeline.config.detections, rules: ['rules/sigma', 'rules/correlation', ...values.rules] };
  const kafka = pipeline.config.kafka;
  const bus = new Bus(kafka, 'bench-cluster-scale');
  const es = esClient(pipeline.config.elasticsearch);
  const eventsIndex = `${pipeline.config.elasticsearch.indexPrefix}-events`;
  const probe = new ClusterProbe(
    () => createKafka(kafka, 'bench-cluster-scale', { silent: true, retries: 1 }).admin(),
    `${kafka.groupPrefix}-`,
    bus.topics.events,
  );
  let sender: Awaited<ReturnType<typeof startSender>> | undefined;
  let keepLogs = false;
  try {
    const t1 = Date.now();
    await pipeline.startAll(['sink', 'respond', 'detect', 'ingest']);
    for (let i = 2; i <= DETECT; i++) await pipeline.start('detect', i);
    console.log(`pipeline up in ${fmt((Date.now() - t1) / 1000, 1)} s (stage logs in ${pipeline.dir})`);
    const replication = await cluster.describeTopic(bus.topics.events);
    console.log(
      `${bus.topics.events}: replication factor ${replication.replicationFactor}, min.insync.replicas ${replication.minInsyncReplicas}`,
    );

    const stages = ['ingest', ...Array.from({ length: DETECT }, (_, i) => (i === 0 ? 'detect' : `detect-${i + 1}`)), 'respond', 'sink'];
    const cpuNow = (): Map<string, number> => {
      const cpu = new Map<string, number>();
      const procs = commandLines();
      // A stage by its config file, a node by its properties file: the pids change when one is restarted.
      const sumOf = (needle: string) => procs.filter(([, cmd]) => cmd.includes(needle)).reduce((s, [p]) => s + treeCpu(p), 0);
      for (const s of stages) cpu.set(`stage ${s}`, sumOf(`${pipeline.dir}/${s}.yaml `));
      for (const n of cluster.nodes) cpu.set(`broker node ${n.id}`, sumOf(`${cluster.dir}/node-${n.id}/server.properties`));
      for (const svc of ['elasticsearch', 'redis'] as const) {
        const pid = servicePid(svc);
        cpu.set(svc, pid ? treeCpu(pid) : NaN);
      }
      const own = process.cpuUsage();
      cpu.set('sender (this process)', (own.user + own.system) / 1e6);
      cpu.set('machine busy', machineCpu().busy);
      return cpu;
    };

    let tZero = performance.now() + WARMUP_S * 1000;
    const sampleNow = async (): Promise<Sample> => {
      const [k, staleS] = await Promise.all([
        within(probe.measure(), SAMPLE_S * 1000),
        within(
          es
            .search({ index: eventsIndex, size: 0, ignore_unavailable: true, aggs: { newest: { max: { field: '@timestamp' } } } })
            .then((r) => {
              const v = (r.aggregations?.newest as { value?: number | null } | undefined)?.value;
              return typeof v === 'number' ? (Date.now() - v) / 1000 : undefined;
            }),
          SAMPLE_S * 1000,
        ),
      ]);
      return {
        t: (performance.now() - tZero) / 1000,
        written: sender?.written ?? 0,
        behind: sender?.behind ?? 0,
        eventsEnd: k?.eventsEnd,
        groups: k?.groups,
        staleS,
        cpu: cpuNow(),
      };
    };

    sender = await startSender(pipeline.ports.tcp, Number(values.connections));
    sender.setRate(RATE);
    await sleep(WARMUP_S * 1000);
    tZero = performance.now();
    const samples: Sample[] = [await sampleNow()];
    const fault: FaultTimes = {};
    const faultRun =
      FAULT !== 'leader-kill'
        ? Promise.resolve()
        : (async () => {
            await sleep(FAULT_AT * 1000);
            const topics = await cluster.listTopics(kafka.topicPrefix);
            const { id, leads } = await cluster.busiestLeader(topics);
            Object.assign(fault, { node: id, leads, killT: (performance.now() - tZero) / 1000 });
            await cluster.kill(id);
            await sleep(DOWN_S * 1000);
            fault.startT = (performance.now() - tZero) / 1000;
            fault.backMs = await cluster.start(id);
            fault.restartT = (performance.now() - tZero) / 1000;
            await cluster.waitInSync(topics, 300_000).then(
              () => (fault.inSyncT = (performance.now() - tZero) / 1000),
              () => undefined,
            );
          })();
    faultRun.catch(() => undefined);

    const preFaultMax = () =>
      Math.max(0, ...samples.filter((s) => fault.killT === undefined || s.t < fault.killT).map((s) => totalLag(s) ?? 0));
    // Under load until the restarted node is in sync again and its leaderships moved back (the
    // cluster rebalances leaders every 10 s), and the lag is back at its pre-fault level.
    const recovered = () => {
      if (fault.inSyncT === undefined || fault.killT === undefined) return false;
      const last = samples.at(-1)!;
      return last.t >= fault.inSyncT + 20 && recovery(samples, totalLag, preFaultMax(), fault.killT).stableBack !== undefined;
    };
    const tick = async () => {
      const next = samples.at(-1)!.t + SAMPLE_S;
      await sleep(Math.max(0, next * 1000 - (performance.now() - tZero)));
      samples.push(await sampleNow());
    };
    while (samples.at(-1)!.t < SECONDS) await tick();
    const heldUntil = samples.at(-1)!.t;
    if (FAULT === 'leader-kill') while (!recovered() && samples.at(-1)!.t < SECONDS + EXTEND_S) await tick();
    const loadEnd = samples.at(-1)!;
    sender.setRate(0);
    const extendedS = loadEnd.t - heldUntil;

    // Drain: until every line is in Elasticsearch, or nothing moved for a minute.
    const sent = sender.written;
    let inEs = 0;
    let lastMove = performance.now();
    const drainStart = performance.now();
    while (performance.now() - drainStart < DRAIN_S * 1000 && performance.now() - lastMove < 60_000) {
      await es.indices.refresh({ index: eventsIndex, ignore_unavailable: true }).catch(() => undefined);
      const n = (await es.count({ index: eventsIndex, ignore_unavailable: true }).catch(() => ({ count: inEs }))).count;
      if (n !== inEs) lastMove = performance.now();
      inEs = n;
      if (inEs >= sent) break;
      await sleep(2000);
    }
    const drainS = (performance.now() - drainStart) / 1000;
    await faultRun;
    const deadLetters = await bus.countRecords(bus.topics.deadletter).catch(() => NaN);
    const eventRecords = await bus.countRecords(bus.topics.events).catch(() => NaN);

    printReport({
      rate: RATE,
      sampleS: SAMPLE_S,
      samples,
      loadEnd,
      fault,
      extendedS,
      sent,
      inEs,
      drainS,
      deadLetters,
      eventRecords,
      preFaultMax: preFaultMax(),
    });
    if (inEs < sent) keepLogs = true;
  } catch (err) {
    keepLogs = true;
    throw err;
  } finally {
    await sender?.close().catch(() => undefined);
    if (keepLogs) console.log(`stage logs kept in ${pipeline.dir}`);
    await pipeline.close({ keepLogs });
    await probe.close();
    await bus.close().catch(() => undefined);
    await es.close().catch(() => undefined);
    await webhook.close();
    await cluster.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
