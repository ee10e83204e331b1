/**
 * bench/ingest-syslog: what syslog ingest costs, in two parts.
 *
 * 1. Parse + normalize on one core (this process, no I/O): lines/s for RFC 5424 (~250 bytes),
 *    RFC 3164, CEF, LEEF, each vendor parser, and a mix; with and without JSON.stringify (the
 *    pipeline serializes every event for Kafka).
 * 2. Syslog over TCP → ECS → real Kafka (acks=all): RFC 5424 lines of ~250 bytes over a few
 *    octet-counted connections into `startStages(config, ['ingest'])`, after an untimed warm-up
 *    (`--warmup` lines), timed until the input's `sent` counter (incremented only after Kafka
 *    acknowledged) reaches the total. Then the same
 *    lines through rsyslog (imtcp → omkafka, Debian's rsyslog-kafka) into a topic of the same
 *    broker, timed until the topic holds them all, twice: forwarding the raw lines, and writing
 *    its parse of each as JSON (`jsonmesg`); the ratios are Vigil ÷ rsyslog.
 *
 *   node --import tsx bench/ingest-syslog.ts [--seconds 2] [--events 300000] [--connections 4] [--no-rsyslog] [--parse-only | --no-parse] [--compression gzip|none] [--gzip-level 1] [--parse-workers 1] [--warmup 200000]
 *
 * The pipeline runs in this process, so Node flags given here are the pipeline's: add
 * `--single-threaded-gc --max-semi-space-size=64` after `node` for the small-host tuning the README describes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startStages } from '../cli/stages.js';
import { metrics } from '../core/telemetry/index.js';
import { normalizeRecord } from '../ingest/normalize/index.js';
import { parseRecord } from '../ingest/parsers/index.js';
import { counterValue } from '../test/support/metrics.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    events: { type: 'string', default: '300000' },
    connections: { type: 'string', default: '4' },
    'no-rsyslog': { type: 'boolean', default: false },
    'parse-only': { type: 'boolean', default: false },
    /** Producer compression (the config's default is gzip; on loopback none is cheaper). */
    compression: { type: 'string', default: 'gzip' },
    /** gzip level for Vigil and rsyslog alike (the config's default is 1). */
    'gzip-level': { type: 'string', default: '1' },
    /** Only the TCP → Kafka part (for a profile of it alone). */
    'no-parse': { type: 'boolean', default: false },
    /** The syslog input's `parseWorkers` (the config's default is 1). */
    'parse-workers': { type: 'string', default: '1' },
    /** Lines sent through Vigil, untimed, before the timed runs: the broker's JIT and Vigil's warm up, for both sides. */
    warmup: { type: 'string', default: '200000' },
  },
});
const SECONDS = num(values, 'seconds');
const TOTAL = num(values, 'events');
const WARMUP = num(values, 'warmup');
const CONNECTIONS = num(values, 'connections');

// ~250-byte RFC 5424 line, the size issue 3's target names.
const rfc5424 = (i: number) =>
  `<134>1 2026-11-20T09:14:03.${String(i % 1000).padStart(3, '0')}Z web-${i % 50}.example.net nginx 2231 ACCESS [meta@32473 seq="${i}"] 203.0.113.${i % 250} - - "GET /api/v1/items/${i}?expand=owner,tags HTTP/1.1" 200 512 "https://app.example.net/" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"`;
const SAMPLES: Record<string, (i: number) => string> = {
  rfc5424,
  rfc3164: (i) =>
    `<38>Nov 20 09:14:03 web-${i % 50} sshd[${1000 + (i % 5000)}]: Failed password for invalid user admin${i % 97} from 203.0.113.${i % 250} port ${1024 + (i % 60000)} ssh2`,
  cef: (i) =>
    `CEF:0|Acme|NGFW|7.1|traffic:deny|Connection denied|7|src=203.0.113.${i % 250} spt=${1024 + (i % 60000)} dst=10.0.0.${i % 250} dpt=443 proto=TCP act=deny suser=user${i % 100} msg=blocked by policy ${i} rt=1795166043${String(i % 1000).padStart(3, '0')} cs1Label=Rule cs1=deny-all`,
  leef: (i) =>
    `LEEF:2.0|Acme|IdP|3.2|login-ok|^|usrName=user${i % 100}^src=198.51.100.${i % 250}^dst=10.0.0.1^dstPort=443^isLoginEvent=true^devTime=1795166045000^sev=3`,
  'cisco-asa': (i) =>
    `<166>Nov 20 2026 09:14:03: %ASA-6-302013: Built outbound TCP connection ${i} for outside:198.51.100.${i % 250}/443 (198.51.100.${i % 250}/443) to inside:10.0.0.${i % 250}/${1024 + (i % 60000)} (192.0.2.10/${1024 + (i % 60000)})`,
  'pan-os': (i) =>
    `<14>Nov 20 09:14:03 PA-3220 1,2026/11/20 09:14:03,012801001234,TRAFFIC,end,2561,2026/11/20 09:14:03,10.0.0.${i % 250},198.51.100.7,192.0.2.10,198.51.100.7,allow-web,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,2026/11/20 09:14:03,${i},1,51234,443,40123,443,0x40001c,tcp,allow,5120,1024,4096,20,2026/11/20 09:13:33,30,any,0,${i},0x0,10.0.0.0-10.255.255.255,United States,0,10,10,tcp-fin,0,0,0,0,,PA-3220,from-policy`,
  fortigate: (i) =>
    `<189>date=2026-11-20 time=09:14:03 devname="FGT-HQ" devid="FGT60FTK20000001" eventtime=1795166043123456789 logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.0.0.${i % 250} srcport=51234 srcintf="internal" dstip=198.51.100.7 dstport=443 dstintf="wan1" sessionid=${i} proto=6 action="accept" policyid=12 service="HTTPS" duration=30 sentbyte=1024 rcvdbyte=4096`,
  pfsense: (i) =>
    `<134>Nov 20 09:14:03 fw-pf filterlog[41213]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,${i % 65535},0,DF,6,tcp,60,203.0.113.${i % 250},10.0.0.5,${1024 + (i % 60000)},22,0,S,1234567890,,64240,,mss`,
};

function parseNormalize(line: string, serialize: boolean, now: Date): number {
  const raw = Buffer.from(line);
  const p = parseRecord(raw, { now, timezone: 'UTC', format: 'auto', json: false });
  if (!p.ok) throw p.error;
  const e = normalizeRecord(p.record, { inputId: 'bench', peer: '127.0.0.1', raw, receivedAt: now, keepOriginal: true, timezone: 'UTC' });
  return serialize ? JSON.stringify(e).length : 1;
}

function measureParse(name: string, make: (i: number) => string, serialize: boolean): number {
  const lines = Array.from({ length: 10_000 }, (_, i) => make(i));
  const now = new Date('2026-11-22T02:05:00Z');
  for (let i = 0; i < 20_000; i++) parseNormalize(lines[i % lines.length]!, serialize, now); // warm-up
  let n = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) parseNormalize(lines[(n + i) % lines.length]!, serialize, now);
    n += 1000;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  console.log(
    `  ${name.padEnd(12)} ${serialize ? '+stringify' : '          '} ${Math.round(rate).toLocaleString('en-US').padStart(10)} lines/s`,
  );
  return rate;
}

function frameAll(lines: string[]): Buffer {
  return Buffer.concat(lines.map((l) => Buffer.from(`${Buffer.byteLength(l)} ${l}`)));
}

async function sendOver(port: number, payloads: Buffer[]): Promise<void> {
  await Promise.all(
    payloads.map(
      (buf) =>
        new Promise<void>((resolve, reject) => {
          const s: Socket = connect({ host: '127.0.0.1', port }, () => {
            const chunk = 64 * 1024;
            let off = 0;
            const pump = (): void => {
              while (off < buf.length) {
                const ok = s.write(buf.subarray(off, off + chunk));
                off += chunk;
                if (!ok) {
                  s.once('drain', pump);
                  return;
                }
              }
              s.end(resolve);
            };
            pump();
          });
          s.on('error', reject);
        }),
    ),
  );
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function main(): Promise<void> {
  process.env.VIGIL_LOG_LEVEL ??= 'warn';
  if (!values['no-parse']) parseFigures();
  if (values['parse-only']) return;
  await tcpFigures();
}

function parseFigures(): void {
  console.log(`parse + normalize, one core (${SECONDS}s each):`);
  const rates: Record<string, number> = {};
  for (const [name, make] of Object.entries(SAMPLES)) rates[name] = measureParse(name, make, false);
  const names = Object.keys(SAMPLES);
  measureParse('mixed', (i) => SAMPLES[names[i % names.length]!]!(i), false);
  measureParse('rfc5424', rfc5424, true);
  measureParse('cef', SAMPLES.cef!, true);
  measureParse('mixed', (i) => SAMPLES[names[i % names.length]!]!(i), true);
  console.log(
    `  targets: rfc5424 ≥ 300,000 (${rates.rfc5424! >= 300_000 ? 'met' : 'NOT met'}), cef ≥ 200,000 (${rates.cef! >= 200_000 ? 'met' : 'NOT met'})`,
  );
}

/** The lines to send, framed per connection, and their average size; the line strings are not kept (a receiver would not hold them). */
function tcpPayloads(total: number): { payloads: Buffer[]; avg: number } {
  const lines = Array.from({ length: total }, (_, i) => rfc5424(i));
  const avg = Math.round(lines.reduce((s, l) => s + Buffer.byteLength(l), 0) / Math.max(1, lines.length));
  const per = Math.ceil(total / CONNECTIONS);
  return { payloads: Array.from({ length: CONNECTIONS }, (_, c) => frameAll(lines.slice(c * per, (c + 1) * per))), avg };
}

async function tcpFigures(): Promise<void> {
  const { payloads, avg } = tcpPayloads(TOTAL);

  const config = testConfig('bench-ingest');
  config.kafka.partitions = 6;
  config.kafka.compression = values.compression === 'none' ? 'none' : 'gzip';
  config.kafka.gzipLevel = num(values, 'gzip-level');
  config.inputs = config.inputs
    .filter((i) => i.type === 'syslog' && i.protocol === 'tcp')
    .map((i) => ({ ...i, parseWorkers: num(values, 'parse-workers') }));
  const pipeline = await startStages(config, ['ingest']);
  const inputId = config.inputs[0]!.id;
  const port = pipeline.ports[inputId]!;
  let vigilRate = NaN;
  const sentSoFar = () => counterValue(metrics.sent, { kind: 'input', id: inputId });
  try {
    if (WARMUP > 0) {
      // Untimed: a broker just started spends a good part of a core compiling its produce path
      // (measured: 43% of a core in the first run against 15% warm), which would land on whichever
      // side runs first. rsyslog runs after this too, on the same warm broker.
      const w0 = await sentSoFar();
      await sendOver(port, tcpPayloads(WARMUP).payloads);
      await waitUntil(async () => (await sentSoFar()) - w0 >= WARMUP, 600_000);
    }
    const sent0 = await sentSoFar();
    console.log(
      `\nsyslog TCP → ECS → Kafka (acks=all): ${TOTAL.toLocaleString('en-US')} RFC 5424 lines of ${avg} bytes, ${CONNECTIONS} connections, octet-counted`,
    );
    const t0 = performance.now();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    await sendOver(port, payloads);
    const ok = await waitUntil(async () => (await sentSoFar()) - sent0 >= TOTAL, 600_000);
    const secs = (performance.now() - t0) / 1000;
    const mainBusy = performance.eventLoopUtilization(elu0).utilization;
    const cpu = process.cpuUsage(cpu0);
    vigilRate = TOTAL / secs;
    const offsets = await pipeline.bus.topicOffsets(pipeline.bus.topics.events);
    const inTopic = offsets.reduce((s, o) => s + Number(o.high) - Number(o.low), 0) - WARMUP;
    console.log(
      `  vigil:   ${ok ? '' : '(TIMED OUT) '}${Math.round(vigilRate).toLocaleString('en-US')} events/s (${secs.toFixed(2)} s; ${inTopic.toLocaleString('en-US')} records in the topic after the ${WARMUP.toLocaleString('en-US')} of the warm-up)`,
    );
    // Where the time went: a main thread busy all along is the limit; below that, the cores are
    // shared (parse workers, the broker, other processes).
    console.log(
      `  main thread busy ${(mainBusy * 100).toFixed(0)}%, process CPU ${((cpu.user + cpu.system) / 1e6 / secs).toFixed(2)} cores (parseWorkers ${values['parse-workers']})`,
    );
    console.log(`  target ≥ 100,000 events/s: ${vigilRate >= 100_000 ? 'met' : 'NOT met'}`);
  } finally {
    await pipeline.close();
  }

  if (!values['no-rsyslog']) await rsyslogRun(config, payloads, avg, vigilRate);
  await cleanupTest(config);
}

/**
 * rsyslog forwarding the same lines: as they came (`RSYSLOG_FileFormat`, its cheapest case, the
 * issue's comparison), and parsed into JSON (`jsonmesg`: its RFC 5424 parse of each message as
 * one JSON object), which is nearer what Vigil does (parse, then JSON; Vigil also normalizes to ECS).
 */
const RSYSLOGD = '/usr/sbin/rsyslogd';

async function rsyslogRun(config: ReturnType<typeof testConfig>, payloads: Buffer[], avg: number, vigilRate: number): Promise<void> {
  if (!existsSync(RSYSLOGD) || !existsSync('/usr/lib/x86_64-linux-gnu/rsyslog/omkafka.so')) {
    console.log('  rsyslog: not installed (scripts/ensure-syslog-clients.sh installs rsyslog and rsyslog-kafka)');
    return;
  }
  const variants = [
    { label: 'raw lines', template: 'RSYSLOG_FileFormat', define: '' },
    { label: 'parsed, as JSON (jsonmesg)', template: 'json', define: 'template(name="json" type="list") { property(name="jsonmesg") }' },
  ];
  for (const [i, v] of variants.entries()) {
    const rate = await rsyslogOnce(config, payloads, i, v.template, v.define);
    console.log(
      `  rsyslog (imtcp → omkafka, acks=all, ${config.kafka.compression}), ${v.label}: ${rate === null ? 'TIMED OUT' : `${Math.round(rate).toLocaleString('en-US')} events/s`} (${avg}-byte lines)`,
    );
    if (rate !== null) console.log(`    ratio vigil / rsyslog: ${(vigilRate / rate).toFixed(2)}${i === 0 ? ' (goal ≥ 1.0)' : ''}`);
  }
}

/** One rsyslogd with the given output template: events/s from the first byte sent until the topic holds every line, or null. */
async function rsyslogOnce(
  config: ReturnType<typeof testConfig>,
  payloads: Buffer[],
  n: number,
  template: string,
  define: string,
): Promise<number | null> {
  const { Bus } = await import('../core/bus/index.js');
  const bus = new Bus(config.kafka, 'bench');
  const topic = `${config.kafka.topicPrefix}rsyslog.${n}.events`;
  await bus.ensureTopics([{ name: topic, partitions: config.kafka.partitions, replicationFactor: 1, configs: {} }]);
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-rsyslog-'));
  const rport = 20000 + Math.floor(Math.random() * 20000);
  // librdkafka's compression as Vigil's (its default gzip level is zlib's 6).
  const codecParams =
    config.kafka.compression === 'gzip'
      ? `"compression.codec=gzip", "compression.level=${config.kafka.gzipLevel}", `
      : '"compression.codec=none", ';
  writeFileSync(
    join(work, 'rsyslog.conf'),
    [
      `global(workDirectory="${work}" maxMessageSize="64k")`,
      'module(load="imtcp" MaxSessions="100")',
      'module(load="omkafka")',
      define,
      `input(type="imtcp" address="127.0.0.1" port="${rport}" ruleset="k")`,
      `ruleset(name="k" queue.type="LinkedList" queue.size="500000" queue.dequeueBatchSize="2048") { action(type="omkafka" broker=["${config.kafka.brokers[0]}"] topic="${topic}" template="${template}" errorFile="${join(work, 'omkafka-errors.json')}" confParam=["acks=all", ${codecParams}"queue.buffering.max.ms=5", "batch.num.messages=10000"]) }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(RSYSLOGD, ['-n', '-f', join(work, 'rsyslog.conf'), '-i', join(work, 'pid')], {
    stdio: ['ignore', 'ignore', openSync(join(work, 'rsyslogd.err'), 'w')],
  });
  try {
    const total = payloads.reduce((s, p) => s + countFrames(p), 0);
    await waitUntil(
      async () =>
        new Promise<boolean>((resolve) => {
          const s = connect({ host: '127.0.0.1', port: rport }, () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      10_000,
    );
    const t0 = performance.now();
    await sendOver(rport, payloads);
    const count = async () => (await bus.topicOffsets(topic)).reduce((s, o) => s + Number(o.high) - Number(o.low), 0);
    // rsyslog moves 600k lines in a few seconds: two minutes without them all is a loss, not slowness.
    const ok = await waitUntil(async () => (await count()) >= total, 120_000);
    if (!ok) {
      console.log(
        `    rsyslog: ${(await count()).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} lines in the topic after 120 s`,
      );
      // What rsyslogd said, and the records omkafka gave up on with librdkafka's reason.
      for (const f of ['rsyslogd.err', 'omkafka-errors.json']) {
        const text = existsSync(join(work, f)) ? readFileSync(join(work, f), 'utf8').trim() : '';
        if (text) console.log(`    ${f}: ${text.split('\n').slice(-5).join('\n      ')}`);
      }
    }
    return ok ? total / ((performance.now() - t0) / 1000) : null;
  } finally {
    child.kill('SIGTERM');
    await bus.deleteTopics([topic]).catch(() => undefined);
    await bus.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function countFrames(buf: Buffer): number {
  let n = 0;
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    i = sp + 1 + Number(buf.subarray(i, sp).toString());
    n++;
  }
  return n;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
