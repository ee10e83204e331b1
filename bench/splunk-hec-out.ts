/**
 * bench/splunk-hec-out: events/s the splunk-hec SINK delivers into Vigil's own HEC receiver, both
 * on the real local Kafka (goal ≥ 50k/s), whole process against whole process: the receiver (a
 * `vigil run --stage ingest` as a deployment runs it) is a child process of its own, the sink runs
 * here. The events are on the sender's vigil.events before the sink starts; the clock runs from
 * the sink's start until the receiver's vigil.events holds them all, and every request is counted
 * only after its indexer acknowledgement. Beside events/s it prints the CPU seconds the sink
 * process, the receiver process and the Kafka broker (read from /proc, when `.vigil/kafka/pid`
 * names it) spent in that window, per 100k events, and the load average.
 *
 *   node --import tsx bench/splunk-hec-out.ts -- --events 200000 --channels 4 --concurrency 4 --batch 1000
 *
 * `--in-process` runs the receiver in this process, as the bench first did. CPU profiles: run the
 * bench with `node --cpu-prof`, and give `--receiver-cpu-prof-dir DIR` for the receiver's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStages, type RunningStages } from '../cli/stages.js';
import { Bus } from '../core/bus/index.js';
import { withHecDefaults } from '../ingest/inputs/splunk-hec/index.js';
import { startSplunkHecSink, withHecSinkDefaults } from '../sinks/splunk-hec/index.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '200000' },
    channels: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    gzip: { type: 'string', default: 'true' },
    'ack-poll-ms': { type: 'string', default: '20' },
    'in-process': { type: 'boolean', default: false },
    receiver: { type: 'string' },
    'receiver-cpu-prof-dir': { type: 'string' },
  },
});

type ToChild = { cmd: 'cpu' } | { cmd: 'close' };
type FromChild = { port: number; topic: string } | { cpu: NodeJS.CpuUsage } | { closed: true };

/** The receiver: its own config and stages; the token and the reply channel come from the parent. */
async function startReceiver(token: string): Promise<{ stages: RunningStages; close(): Promise<void> }> {
  const config = testConfig('bench-hec-recv');
  config.inputs = [withHecDefaults({ id: 'hec', port: 0, tokens: [{ token, ack: true }], maxPendingEvents: 1_000_000 })];
  const stages = await startStages(config, ['ingest']);
  return {
    stages,
    async close() {
      await stages.close();
      await cleanupTest(config);
    },
  };
}

if (values.receiver !== undefined) {
  const r = await startReceiver(values.receiver);
  const send = (m: FromChild) => process.send?.(m);
  process.on('message', (m: ToChild) => {
    if (m.cmd === 'cpu') send({ cpu: process.cpuUsage() });
    else void r.close().then(() => (send({ closed: true }), process.disconnect()));
  });
  send({ port: r.stages.ports.hec as number, topic: r.stages.bus.topics.events });
} else {
  await main();
}

interface Receiver {
  port: number;
  topic: string;
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

async function inProcessReceiver(token: string): Promise<Receiver> {
  const r = await startReceiver(token);
  return {
    port: r.stages.ports.hec as number,
    topic: r.stages.bus.topics.events,
    cpuSeconds: async () => NaN,
    close: () => r.close(),
  };
}

async function childReceiver(token: string): Promise<Receiver> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--receiver', token], {
    execArgv: [
      '--import',
      'tsx',
      ...(values['receiver-cpu-prof-dir'] !== undefined ? ['--cpu-prof', '--cpu-prof-dir', values['receiver-cpu-prof-dir']] : []),
    ],
  });
  const next = <T extends FromChild>(pick: (m: FromChild) => m is T): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (!pick(m)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`the receiver exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next((m): m is { port: number; topic: string } => 'port' in m);
  return {
    port: ready.port,
    topic: ready.topic,
    async cpuSeconds() {
      const reply = next((m): m is { cpu: NodeJS.CpuUsage } => 'cpu' in m);
      child.send({ cmd: 'cpu' } satisfies ToChild);
      const { cpu } = await reply;
      return (cpu.user + cpu.system) / 1e6;
    },
    async close() {
      const done = next((m): m is { closed: true } => 'closed' in m);
      child.send({ cmd: 'close' } satisfies ToChild);
      await done;
    },
  };
}

/** CPU seconds the Kafka broker `vigil up` started has used, from /proc; NaN when it cannot be read. */
function brokerCpuSeconds(): number {
  try {
    const pidFile = '.vigil/kafka/pid';
    if (!existsSync(pidFile)) return NaN;
    const pid = readFileSync(pidFile, 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const N = num(values, 'events');
  const token = `bench-${randomUUID()}`;
  const total = async (bus: Bus, topic: string) => (await bus.topicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);

  const receiver = values['in-process'] ? await inProcessReceiver(token) : await childReceiver(token);
  const senderConfig = testConfig('bench-hec-send');
  const sender = new Bus(senderConfig.kafka);
  await sender.provision();
  try {
    const producer = await sender.producer();
    for (let i = 0; i < N; i += 10_000) {
      const n = Math.min(10_000, N - i);
      await producer.send(
        sender.topics.events,
        Array.from({ length: n }, (_, j) => {
          const k = i + j;
          const doc = {
            '@timestamp': new Date(1_772_359_200_000 + k).toISOString(),
            message: `Accepted password for user${k % 100} from 10.0.${k % 250}.${k % 200} port 22 ssh2`,
            host: { name: `web${k % 16}` },
            event: { dataset: 'linux.auth', kind: 'event', category: ['authentication'], outcome: 'success' },
            source: { ip: `10.0.${k % 250}.${k % 200}` },
            vigil: { id: `bench-${k}`, input: 'syslog-tcp' },
          };
          return { key: doc.host.name, value: JSON.stringify(doc) };
        }),
      );
    }
    const before = await total(sender, receiver.topic);
    const load0 = loadavg()[0] as number;
    const cpu0 = { sink: process.cpuUsage(), receiver: await receiver.cpuSeconds(), broker: brokerCpuSeconds() };
    const started = performance.now();
    const sink = await startSplunkHecSink({
      sink: withHecSinkDefaults({
        id: 'bench-out',
        url: `http://127.0.0.1:${receiver.port}`,
        token,
        topics: ['events'],
        batchSize: 5000,
        batchMaxEvents: num(values, 'batch'),
        channels: num(values, 'channels'),
        concurrency: num(values, 'concurrency'),
        gzip: values.gzip === 'true',
        ackPollMs: num(values, 'ack-poll-ms'),
      }),
      bus: sender,
    });
    let got = 0;
    while ((got = (await total(sender, receiver.topic)) - before) < N) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const sinkCpu = process.cpuUsage(cpu0.sink);
    const cpu = {
      sink: (sinkCpu.user + sinkCpu.system) / 1e6,
      receiver: (await receiver.cpuSeconds()) - cpu0.receiver,
      broker: brokerCpuSeconds() - cpu0.broker,
    };
    const load1 = loadavg()[0] as number;
    await sink.close();
    const per100k = (s: number) => (Number.isFinite(s) ? ((s * 100_000) / N).toFixed(2) : 'n/a');
    console.log(
      `splunk-hec-out: ${N} events in ${seconds.toFixed(2)} s = ${Math.round(N / seconds).toLocaleString('en')} events/s ` +
        `(batch ${values.batch}, channels ${values.channels}, concurrency ${values.concurrency}, gzip ${values.gzip}` +
        `, ack poll ${values['ack-poll-ms']} ms, ` +
        `receiver ${values['in-process'] ? 'in process' : 'own process'}; received ${got})\n` +
        `  CPU s per 100k events: sink ${per100k(cpu.sink)}${values['in-process'] ? ' (with the receiver)' : `, receiver ${per100k(cpu.receiver)}`}, ` +
        `broker ${per100k(cpu.broker)}; load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`,
    );
  } finally {
    await sender.close();
    await receiver.close();
    await cleanupTest(senderConfig);
  }
}
