/**
 * bench/detect-instances: events/s of the detect stage with 1, 2 and 3 instances (`vigil run
 * --stage detect` processes in one consumer group) over the same events already on Kafka.
 *
 *   node --import tsx bench/detect-instances.ts [--events 300000] [--instances 1,2,3]
 *     [--partitions 6] [--rules ../shared/sigma/rules]
 *
 * Each step starts its instances on topics of its own and waits until every one is ready (rules
 * loaded, group joined); then the events (the detection benchmark's realistic mix, keyed by host,
 * serialized once before the steps) are written to `vigil.events` of `--partitions` partitions.
 * The clock runs from the first committed offset until the group has committed every event: the
 * steady rate, start-up and rebalances apart. CPU seconds of each instance over that window say whether the
 * stage or the machine is the limit (on 2 cores shared with the broker, a third instance has no
 * core of its own).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { ChildProcess } from 'node:child_process';
import type { VigilConfig } from '../cli/config/schema.js';
import { num, nums } from './args.js';

process.env.VIGIL_LOG_LEVEL ??= 'warn';
const { Bus } = await import('../core/bus/index.js');
const { topicsFor } = await import('../core/bus/topics.js');
const { mixedEvents } = await import('./detect-events.js');
const { machineCpu, treeCpu } = await import('./capacity-probe.js');
const { exitOf, freePort, spawnVigil } = await import('../test/support/child.js');
const { waitFor } = await import('../test/support/wait.js');
const { testConfig } = await import('../test/support/config.js');
const { cleanupTest } = await import('../test/support/cleanup.js');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '300000' },
    instances: { type: 'string', default: '1,2,3' },
    partitions: { type: 'string', default: '6' },
    rules: { type: 'string', multiple: true, default: [] },
  },
});
const TOTAL = num(values, 'events');
const STEPS = nums(values, 'instances');
const PARTITIONS = num(values, 'partitions');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const RULES = ['rules/sigma', 'rules/correlation', ...values.rules];
const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-instances-'));

function stepConfig(): VigilConfig {
  const config = testConfig('bench-detect-instances');
  config.kafka = { ...config.kafka, partitions: PARTITIONS };
  config.detections = { ...config.detections, rules: RULES };
  return config;
}

async function committed(bus: InstanceType<typeof Bus>, topic: string): Promise<number> {
  return (await bus.committedOffsets('detect', topic)).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
}

interface StepResult {
  instances: number;
  eventsPerSec: number;
  seconds: number;
  cpuPerInstance: number[];
  machineBusy: number;
}

async function step(n: number, records: Array<{ key: string; value: string }>): Promise<StepResult> {
  const config = stepConfig();
  const events = topicsFor(config.kafka.topicPrefix).events;
  const bus = new Bus(config.kafka, 'bench-detect-instances');
  const children: ChildProcess[] = [];
  try {
    await bus.provision();
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const file = join(dir, `detect-${n}-${i}.yaml`);
      const ops = await freePort();
      ports.push(ops);
      writeFileSync(file, stringify({ ...config, ops: { ...config.ops, port: ops } }));
      const child = await spawnVigil(['run', '--config', file, '--stage', 'detect'], join(dir, `detect-${n}-${i}.log`));
      exitOf(child).then((code) => {
        if (children.includes(child)) console.error(`instance ${i} of ${n} exited with ${code} (log in ${dir})`);
      });
      children.push(child);
    }
    await waitFor(
      `${n} detect instance(s) ready (logs in ${dir})`,
      async () => {
        for (const port of ports) {
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
          if (res?.ok !== true) return false;
        }
        return true;
      },
      300_000,
      250,
    );
    // The last member's join rebalances the group once more.
    await sleep(3000);
    const producer = await bus.producer();
    for (let i = 0; i < records.length; i += 5000) await producer.send(events, records.slice(i, i + 5000));
    let start = 0;
    let startAt = 0;
    let cpu0: number[] = [];
    let m0 = machineCpu();
    const deadline = Date.now() + 900_000;
    for (;;) {
      await sleep(200);
      const done = await committed(bus, events);
      if (startAt === 0 && done > 0) {
        startAt = Date.now();
        start = done;
        cpu0 = children.map((c) => treeCpu(c.pid as number));
        m0 = machineCpu();
      }
      if (done >= TOTAL) break;
      if (Date.now() > deadline) throw new Error(`${n} instance(s) committed ${done} of ${TOTAL} events in 15 minutes`);
    }
    const seconds = (Date.now() - startAt) / 1000;
    const m1 = machineCpu();
    return {
      instances: n,
      eventsPerSec: Math.round((TOTAL - start) / seconds),
      seconds: Math.round(seconds * 10) / 10,
      cpuPerInstance: children.map((c, i) => Math.round((treeCpu(c.pid as number) - (cpu0[i] ?? 0)) * 100) / 100),
      machineBusy: Math.round(((m1.busy - m0.busy) / seconds) * 100) / 100,
    };
  } finally {
    const stopping = children.splice(0);
    for (const c of stopping) c.kill('SIGTERM');
    await Promise.all(stopping.map((c) => exitOf(c)));
    await bus.close();
    await cleanupTest(config).catch(() => undefined);
  }
}

try {
  const records = mixedEvents(TOTAL).map((e, i) => ({
    key: String((e.host as { name?: string } | undefined)?.name ?? i),
    value: JSON.stringify(e),
  }));
  console.log(`bench/detect-instances: ${TOTAL} events on ${PARTITIONS} partitions, rules ${RULES.join(', ')}`);
  const results: StepResult[] = [];
  for (const n of STEPS) {
    const r = await step(n, records);
    results.push(r);
    console.log(
      `${n} instance(s): ${r.eventsPerSec.toLocaleString('en-US')} events/s over ${r.seconds} s; CPU s per instance ` +
        `${r.cpuPerInstance.join(', ')} (${(r.cpuPerInstance.reduce((s, v) => s + v, 0) / r.seconds).toFixed(2)} cores); ` +
        `machine ${r.machineBusy} of its cores busy`,
    );
  }
  console.log(JSON.stringify({ events: TOTAL, partitions: PARTITIONS, results }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
