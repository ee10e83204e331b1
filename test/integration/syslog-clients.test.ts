import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyslogInputConfig } from '../../ingest/inputs/syslog/config.js';
import type { EcsEvent } from '../../core/event/index.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { LOCAL_SYSLOG } from '../../cli/local-config.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { spawnDaemon, stopChild } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { RSYSLOGD } from '../support/rsyslog.js';
import { SYSLOG_NG, syslogNgCommand } from '../support/syslog-ng.js';

/**
 * Real syslog clients into a running ingest stage, into real Kafka: util-linux `logger` (UDP,
 * TCP octet-counted and LF, RFC 3164 and 5424), rsyslog's omfwd (TCP octet-counted, TLS via
 * gtls with LF framing as rsyslog sends it by default) and syslog-ng's syslog() (RFC 5424,
 * octet-counted) and network() (RFC 3164, LF) destinations. Each daemon runs in the foreground
 * with its own config in a temp dir. Every line must arrive exactly once.
 * `scripts/ensure-syslog-clients.sh` (run by `npm test`) installs the clients.
 */
const RUN = randomBytes(4).toString('hex');
const GTLS = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

let pipeline: RunningStages;
let config: ReturnType<typeof testConfig>;
let pki: TestPki;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'vigil-clients-'));
  config = testConfig('syslog-clients');
  const base = LOCAL_SYSLOG;
  const inputs: SyslogInputConfig[] = [
    { ...base, id: 'c-udp', protocol: 'udp' },
    { ...base, id: 'c-tcp', protocol: 'tcp' },
    {
      ...base,
      id: 'c-tls',
      protocol: 'tls',
      tls: {
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        caFile: pki.caFile,
        requestCert: false,
        rejectUnauthorized: true,
        handshakeTimeoutMs: 10_000,
      },
    },
  ];
  config.inputs = inputs;
  pipeline = await startStages(config, ['ingest']);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await pipeline?.close();
  if (config) await cleanupTest(config);
  pki?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const port = (id: string) => pipeline.ports[id] as number;
const lines = (client: string, n: number) => Array.from({ length: n }, (_, i) => `vigil-client-${RUN}-${client}-${i}`);

/** Reads the events topic until every marker arrived, then reads it again in full: each exactly once. */
async function expectExactlyOnce(markers: string[]): Promise<EcsEvent[]> {
  const has = (records: Array<{ value: Buffer }>) => {
    const text = records.map((r) => r.value.toString()).join('\n');
    return markers.every((m) => text.includes(`${m}"`) || text.includes(`${m} `) || text.includes(`${m}\\n`));
  };
  await pipeline.bus.read(pipeline.bus.topics.events, { until: has, timeoutMs: 60_000 });
  // Everything is in: read it all again (after a pause for stragglers) and count.
  await new Promise((r) => setTimeout(r, 1500));
  const all = await pipeline.bus.read(pipeline.bus.topics.events, { idleMs: 2000, timeoutMs: 30_000 });
  const events = all.map((r) => JSON.parse(r.value.toString()) as EcsEvent);
  const mine = events.filter((e) => markers.some((m) => e.message?.includes(m)));
  const counts = new Map(markers.map((m) => [m, 0]));
  for (const e of mine) {
    const m = markers.find((x) => e.message === x || e.message?.endsWith(x));
    if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(markers.map((m) => [m, 1])));
  return mine;
}

function logger(args: string[], message?: string): void {
  const r = spawnSync('logger', message === undefined ? args : [...args, message], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`logger ${args.join(' ')} failed: ${r.stderr}`);
}

/** Runs a daemon in the foreground until `done()` or the timeout; returns its output. */
function runDaemon(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const d = spawnDaemon(cmd, args, { env, stdin: 'pipe' });
  children.push(d.child);
  return d;
}

describe('util-linux logger', () => {
  it('UDP, RFC 5424 and RFC 3164', async () => {
    const [a, b] = lines('logger-udp', 2) as [string, string];
    logger(['--udp', '-n', '127.0.0.1', '-P', String(port('c-udp')), '--rfc5424', '-t', 'vigiltest'], a);
    logger(['--udp', '-n', '127.0.0.1', '-P', String(port('c-udp')), '--rfc3164', '-t', 'vigiltest'], b);
    const got = await expectExactlyOnce([a, b]);
    expect(got.map((e) => e.log?.syslog?.version ?? '3164').sort()).toEqual(['1', '3164']);
    expect(got.every((e) => e.process?.name === 'vigiltest')).toBe(true);
  });

  it('TCP with --octet-count and with LF framing, RFC 5424 and 3164', async () => {
    const m = lines('logger-tcp', 4) as [string, string, string, string];
    const p = String(port('c-tcp'));
    logger(['--tcp', '-n', '127.0.0.1', '-P', p, '--octet-count', '--rfc5424'], m[0]);
    logger(['--tcp', '-n', '127.0.0.1', '-P', p, '--octet-count', '--rfc3164'], m[1]);
    logger(['--tcp', '-n', '127.0.0.1', '-P', p, '--rfc5424'], m[2]);
    logger(['--tcp', '-n', '127.0.0.1', '-P', p, '--rfc3164'], m[3]);
    await expectExactlyOnce(m);
  });

  it('a multi-line file through one TCP connection, and kcat reads the same topic', async () => {
    // Enough lines that they come in batches of 32 or more: the input's parse worker handles them.
    const m = lines('logger-file', 200);
    const file = join(dir, 'lines.txt');
    writeFileSync(file, `${m.join('\n')}\n`);
    logger(['--tcp', '-n', '127.0.0.1', '-P', String(port('c-tcp')), '--octet-count', '-f', file]);
    await expectExactlyOnce(m);
    if (has('kcat')) {
      const k = spawnSync('kcat', ['-C', '-b', config.kafka.brokers[0]!, '-t', pipeline.bus.topics.events, '-e', '-q', '-f', '%s\n'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(k.status).toBe(0);
      const texts = k.stdout.split('\n').filter((l) => l.includes(`vigil-client-${RUN}-logger-file-`));
      expect(texts).toHaveLength(200);
    }
  });
});

const rsyslogReady = existsSync(RSYSLOGD);
describe.skipIf(!rsyslogReady)('rsyslog omfwd (foreground, own config)', () => {
  async function forward(name: string, action: string, modules = ''): Promise<void> {
    const work = join(dir, name);
    rmSync(work, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', work]);
    const input = join(work, 'in.log');
    writeFileSync(input, '');
    const conf = join(work, 'rsyslog.conf');
    writeFileSync(
      conf,
      [
        `global(workDirectory="${work}" ${modules})`,
        'module(load="imfile")',
        `input(type="imfile" File="${input}" Tag="vigiltest" Severity="info" Facility="local0" ruleset="fwd")`,
        `ruleset(name="fwd") { ${action} }`,
        '',
      ].join('\n'),
    );
    const d = runDaemon(RSYSLOGD, ['-n', '-f', conf, '-i', join(work, 'pid')]);
    const m = lines(name, 20);
    await new Promise((r) => setTimeout(r, 1000));
    writeFileSync(input, `${m.join('\n')}\n`);
    try {
      await expectExactlyOnce(m);
    } catch (err) {
      throw new Error(`${String(err)}\nrsyslogd said:\n${d.output()}`);
    } finally {
      await stopChild(d.child);
    }
  }

  it('TCP, octet-counted, RFC 5424 (RSYSLOG_SyslogProtocol23Format)', async () => {
    await forward(
      'rsyslog-tcp',
      `action(type="omfwd" target="127.0.0.1" port="${port('c-tcp')}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
    );
  });

  it.skipIf(!existsSync(GTLS))('TLS via gtls, LF framing (rsyslog default)', async () => {
    await forward(
      'rsyslog-tls',
      `action(type="omfwd" target="127.0.0.1" port="${port('c-tls')}" protocol="tcp" StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost" template="RSYSLOG_ForwardFormat")`,
      `defaultNetstreamDriverCAFile="${pki.caFile}"`,
    );
  });
});

const syslogNgReady = existsSync(SYSLOG_NG);
describe.skipIf(!syslogNgReady)('syslog-ng (foreground, own config)', () => {
  async function forward(name: string, destination: string): Promise<void> {
    const work = join(dir, name);
    spawnSync('mkdir', ['-p', work]);
    const conf = join(work, 'syslog-ng.conf');
    writeFileSync(
      conf,
      [
        '@version: 3.38',
        'options { stats_freq(0); keep-hostname(yes); };',
        'source s_in { stdin(flags(no-parse) program-override("vigiltest")); };',
        `destination d_out { ${destination} };`,
        'log { source(s_in); destination(d_out); };',
        '',
      ].join('\n'),
    );
    const ng = syslogNgCommand(conf, work);
    const d = runDaemon(SYSLOG_NG, ng.args, ng.env);
    const m = lines(name, 20);
    // stdin stays open until the lines arrived: syslog-ng stops at the end of its stdin() source,
    // and a TLS destination still shaking hands under load then never sent them.
    d.child.stdin?.write(`${m.join('\n')}\n`);
    try {
      await expectExactlyOnce(m);
    } catch (err) {
      throw new Error(`${String(err)}\nsyslog-ng said:\n${d.output()}`);
    } finally {
      d.child.stdin?.end();
      await stopChild(d.child);
    }
  }

  it('syslog() destination: RFC 5424, octet-counted, over TCP', async () => {
    await forward('syslog-ng-5424', `syslog("127.0.0.1" transport("tcp") port(${port('c-tcp')}));`);
  });

  it('network() destination: RFC 3164, LF-framed, over TCP', async () => {
    await forward('syslog-ng-3164', `network("127.0.0.1" transport("tcp") port(${port('c-tcp')}));`);
  });

  it('syslog() destination over TLS', async () => {
    await forward(
      'syslog-ng-tls',
      `syslog("127.0.0.1" transport("tls") port(${port('c-tls')}) tls(ca-file("${pki.caFile}") peer-verify(required-trusted)));`,
    );
  });
});
