import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, type ParseIo } from './parse.js';

const MIXED = fileURLToPath(new URL('../../test/fixtures/parse/mixed.log', import.meta.url));
const NOW = new Date('2026-11-22T02:05:00.000Z');

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const value: ParseIo = { stdin: Readable.from([stdin]), out: (l) => out.push(l), err: (l) => err.push(l), now: () => NOW };
  return { io: value, out, err, events: () => out.map((l) => JSON.parse(l) as Record<string, any>) }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('vigil parse', () => {
  it('prints one ECS event per record, and file:line with the reason for each failure (exit 1)', async () => {
    const t = io();
    expect(await run([MIXED], t.io)).toBe(1);
    expect(t.events().map((e) => [e.vigil.peer, e.event?.action ?? e.observer?.product ?? e.source?.ip])).toEqual([
      [`${MIXED}:1`, 'ssh_login'],
      [`${MIXED}:2`, 'sudo'],
      [`${MIXED}:3`, 'deny'],
      [`${MIXED}:5`, 'IdP'],
      [`${MIXED}:6`, '198.51.100.9'],
    ]);
    expect(t.err).toEqual([`${MIXED}:7:13: CEF header has 1 of 7 fields [PARSE_CEF]`, `${MIXED}:8:2: PRI 999 is above 191 [PARSE_SYSLOG]`]);
  });

  it('reads stdin, honours --type, and exits 0 when every record parsed', async () => {
    const t = io('CEF:0|A|B|1|2|name|5|src=1.2.3.4\n');
    expect(await run(['--type', 'cef'], t.io)).toBe(0);
    expect(t.events()[0]).toMatchObject({
      observer: { vendor: 'A', product: 'B' },
      source: { ip: '1.2.3.4' },
      vigil: { peer: 'stdin:1', input: 'parse' },
    });
    const s = io('<13>Nov 20 09:14:03 h app: plain\n');
    expect(await run(['--type', 'cef', '-'], s.io)).toBe(1);
    expect(s.err).toEqual(['stdin:1:1: no CEF record in the message [PARSE_CEF]']);
  });

  it('prints OCSF with --schema ocsf', async () => {
    const t = io('<38>Nov 20 09:14:03 web-01 sshd[2231]: Accepted password for deploy from 203.0.113.45 port 52160 ssh2\n');
    expect(await run(['--schema', 'ocsf', '--no-original'], t.io)).toBe(0);
    expect(t.events()[0]).toMatchObject({ class_uid: 3002, type_uid: 300201, status_id: 1, user: { name: 'deploy' } });
    expect(t.events()[0]!.raw_data).toBeUndefined();
  });

  describe('VPC flow logs', () => {
    // As S3 delivery writes them: a header line naming the fields (here a custom format), then a record a line.
    const HEADER = 'version interface-id srcaddr dstaddr srcport dstport protocol bytes action flow-direction';
    const FILE = [
      HEADER,
      '5 eni-0a1b2c3d4e5f67890 10.0.1.5 198.51.100.7 50000 443 6 5120 ACCEPT egress',
      '5 eni-0a1b2c3d4e5f67890 198.51.100.7 10.0.1.5 443 50000 6 880 ACCEPT ingress',
      '5 eni-0a1b2c3d4e5f67890 10.0.1.5 203.0.113.9 50001 22 6 REJECT egress',
      '',
    ].join('\n');

    it.each([['--type', 'vpcflow'], []])(
      '%s reads the header and every record with it; a short line is reported by its line',
      async (...args) => {
        const t = io(FILE);
        expect(await run(args, t.io)).toBe(1);
        expect(t.events().map((e) => [e.source.ip, e.source.port, e.destination.port, e.network.direction, e.event.outcome])).toEqual([
          ['10.0.1.5', 50000, 443, 'egress', 'success'],
          ['198.51.100.7', 443, 50000, 'ingress', 'success'],
        ]);
        expect(t.err).toEqual(['stdin:1: line 4: VPC flow log record has 9 fields, its header names 10 [PARSE_RECORD_SHAPE]']);
      },
    );

    it('auto reads header-less lines of the default format by their layout', async () => {
      const t = io('2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n');
      expect(await run([], t.io)).toBe(0);
      expect(t.events()[0]).toMatchObject({ source: { ip: '172.31.16.139', port: 20641 }, cloud: { account: { id: '123456789010' } } });
    });

    it('--type vpcflow reports a line that is no flow record', async () => {
      const t = io('hello world\n');
      expect(await run(['--type', 'vpcflow'], t.io)).toBe(1);
      expect(t.err[0]).toMatch(/^stdin:1: line 1: not a VPC flow log record: 2 fields/);
    });
  });

  it('refuses unknown options with CLI_USAGE', async () => {
    await expect(run(['--type', 'nope'], io().io)).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(run(['--schema', 'xml'], io().io)).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(run(['--timezone', 'Mars/Base'], io().io)).rejects.toMatchObject({ code: 'CLI_USAGE' });
  });

  it('reports a missing file and goes on', async () => {
    const t = io();
    expect(await run(['/nonexistent/file.log', MIXED], t.io)).toBe(1);
    expect(t.err[0]).toBe('/nonexistent/file.log: ENOENT [CONFIG_READ]');
    expect(t.out.length).toBe(5);
  });
});
