/**
 * The syslog sink into real receivers: rsyslog (imtcp, imudp) and syslog-ng (syslog() and
 * network() sources, TCP and TLS), each in the foreground with its own config, writing what it
 * receives to a file. Every message sent must be in the file once, whole. The clients are
 * installed by `scripts/ensure-syslog-clients.sh`.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { parseCef } from '../../ingest/parsers/cef.js';
import { parseLeef } from '../../ingest/parsers/leef.js';
import type { Outgoing } from '../../sinks/runner/index.js';
import type { SyslogSinkConfig } from '../../sinks/syslog/config.js';
import { createSyslogDeliver, messageOptions, syslogTransport } from '../../sinks/syslog/sink.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { canConnect, freePort, spawnDaemon, stopChild } from '../support/child.js';
import { RSYSLOGD } from '../support/rsyslog.js';
import { SYSLOG_NG, syslogNgCommand } from '../support/syslog-ng.js';
import { waitFor } from '../support/wait.js';

const RUN = randomBytes(4).toString('hex');

let dir: string;
let pki: TestPki;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-sink-'));
  pki = makeTestPki();
});
afterAll(async () => {
  for (const c of children) await stopChild(c);
  pki?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function listening(port: number, output: () => string): Promise<void> {
  await waitFor('the receiver listening', () => canConnect(port), 15_000, 100).catch(() => {
    throw new Error(`receiver never listened on ${port}:\n${output()}`);
  });
}

function daemon(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const d = spawnDaemon(cmd, args, { env });
  children.push(d.child);
  return d;
}

/** `n` events, each with a unique marker in its message and source user. */
function events(name: string, n: number): Outgoing[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: 'events' as const,
    route: 'default',
    source: {} as InRecord,
    doc: {
      '@timestamp': new Date().toISOString(),
      message: `vigil-sink-${RUN}-${name}-${i}`,
      event: { code: '4625', severity: 5, action: 'logon-failed' },
      source: { ip: '203.0.113.7', port: 40000 + i, user: { name: `m-${RUN}-${name}-${i}` } },
      destination: { ip: '10.0.0.5', port: 22 },
      user: { name: `m-${RUN}-${name}-${i}` },
    },
  }));
}

const base = (over: Partial<SyslogSinkConfig>): SyslogSinkConfig => ({
  type: 'syslog',
  id: 'syslog-it',
  topics: ['events'],
  batchSize: 500,
  maxRetries: 8,
  timeoutMs: 30_000,
  protocol: 'tcp',
  host: '127.0.0.1',
  port: 0,
  format: 'rfc5424',
  framing: 'octet-counting',
  encoding: 'cef',
  facility: 'local0',
  severity: 'info',
  appName: 'vigil',
  hostname: 'vigil-it',
  deviceVendor: 'Vigil',
  deviceProduct: 'Vigil',
  deviceVersion: '1',
  leefDelimiter: '^',
  maxMessageBytes: 8192,
  queueSize: 10_000,
  connectTimeoutMs: 5000,
  reconnectMaxMs: 2000,
  ...over,
});

/** Sends `n` events through the sink in batches, then waits until the file holds every marker. */
async function sendAndCount(sink: SyslogSinkConfig, file: string, name: string, n: number, output: () => string): Promise<string[]> {
  const transport = syslogTransport(sink);
  const deliver = createSyslogDeliver(transport, messageOptions(sink));
  const batch = events(name, n);
  try {
    for (let i = 0; i < n; i += 100) {
      const verdicts = await deliver(batch.slice(i, i + 100), { signal: new AbortController().signal, attempt: 1 });
      expect(verdicts.every((v) => v.outcome === 'ok')).toBe(true);
    }
  } finally {
    await transport.close();
  }
  const marker = `m-${RUN}-${name}-`;
  const mine = () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.includes(marker))
      : [];
  const deadline = Date.now() + 20_000;
  while (mine().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const lines = mine();
  const counts = new Map<string, number>();
  for (const l of lines) {
    const m = new RegExp(`${marker}(\\d+)`).exec(l)?.[1];
    if (m !== undefined) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  expect({ lines: lines.length, distinct: counts.size, output: lines.length === n ? '' : output() }).toEqual({
    lines: n,
    distinct: n,
    output: '',
  });
  return lines;
}

describe.skipIf(!existsSync(RSYSLOGD))('rsyslog receiver (imtcp, imudp → omfile)', () => {
  let tcp: number;
  let udp: number;
  let file: string;
  let output: () => string;

  beforeAll(async () => {
    const work = join(dir, 'rsyslog');
    mkdirSync(work, { recursive: true });
    [tcp, udp] = [await freePort(), await freePort()];
    file = join(work, 'out.log');
    const conf = join(work, 'rsyslog.conf');
    writeFileSync(
      conf,
      [
        `global(workDirectory="${work}" maxMessageSize="64k")`,
        'module(load="imtcp")',
        'module(load="imudp")',
        `input(type="imtcp" port="${tcp}" address="127.0.0.1" ruleset="out")`,
        // A receive buffer for the whole burst: under load the default one dropped datagrams (CI: 188 of 200).
        `input(type="imudp" port="${udp}" address="127.0.0.1" ruleset="out" rcvbufSize="8m")`,
        'template(name="msgonly" type="string" string="%msg:::drop-last-lf%\\n")',
        `ruleset(name="out") { action(type="omfile" file="${file}" template="msgonly") }`,
        '',
      ].join('\n'),
    );
    const d = daemon(RSYSLOGD, ['-n', '-f', conf, '-i', join(work, 'pid')]);
    output = d.output;
    await listening(tcp, output);
  });

  it('TCP, octet-counted RFC 5424, CEF: every message once, and it parses as CEF', async () => {
    const lines = await sendAndCount(base({ protocol: 'tcp', port: tcp }), file, 'rs-tcp', 500, () => output());
    const cef = parseCef(lines[0]!.slice(lines[0]!.indexOf('CEF:')));
    expect(cef.ok && cef.record.extensions.suser).toMatch(/^m-/);
  });

  it('TCP, LF-framed RFC 3164, LEEF 2.0', async () => {
    const lines = await sendAndCount(
      base({ protocol: 'tcp', port: tcp, format: 'rfc3164', framing: 'lf', encoding: 'leef' }),
      file,
      'rs-lf',
      300,
      () => output(),
    );
    const leef = parseLeef(lines[0]!.slice(lines[0]!.indexOf('LEEF:')));
    expect(leef.ok && leef.record.attributes.usrName).toMatch(/^m-/);
  });

  it('UDP, RFC 5424, JSON', async () => {
    // A few hundred datagrams on loopback: none is expected to be lost.
    await sendAndCount(base({ protocol: 'udp', port: udp, encoding: 'json' }), file, 'rs-udp', 200, () => output());
  });
});

describe.skipIf(!existsSync(SYSLOG_NG))('syslog-ng receiver (syslog() and network() sources → file)', () => {
  let tcp5424: number;
  let tls: number;
  let file: string;
  let output: () => string;

  beforeAll(async () => {
    const work = join(dir, 'syslog-ng');
    mkdirSync(work, { recursive: true });
    [tcp5424, tls] = [await freePort(), await freePort()];
    file = join(work, 'out.log');
    const conf = join(work, 'syslog-ng.conf');
    writeFileSync(
      conf,
      [
        '@version: 3.38',
        'options { stats_freq(0); log-msg-size(65536); };',
        `source s_5424 { syslog(ip("127.0.0.1") port(${tcp5424}) transport("tcp")); };`,
        `source s_tls { network(ip("127.0.0.1") port(${tls}) transport("tls") tls(key-file("${pki.serverKey}") cert-file("${pki.serverCert}") peer-verify(optional-untrusted))); };`,
        `destination d_file { file("${file}" template("$MSG\\n")); };`,
        'log { source(s_5424); source(s_tls); destination(d_file); };',
        '',
      ].join('\n'),
    );
    const ng = syslogNgCommand(conf, work);
    const d = daemon(SYSLOG_NG, ng.args, ng.env);
    output = d.output;
    await listening(tcp5424, output);
    await listening(tls, output);
  });

  it('syslog(): TCP, octet-counted RFC 5424, CEF', async () => {
    await sendAndCount(base({ protocol: 'tcp', port: tcp5424 }), file, 'ng-tcp', 500, () => output());
  });

  it('network() over TLS: LF-framed RFC 3164, LEEF 2.0, the receiver certificate checked against its CA', async () => {
    await sendAndCount(
      base({
        protocol: 'tls',
        port: tls,
        format: 'rfc3164',
        framing: 'lf',
        encoding: 'leef',
        tls: { caFile: pki.caFile, servername: 'localhost', rejectUnauthorized: true },
      }),
      file,
      'ng-tls',
      300,
      () => output(),
    );
  });
});
