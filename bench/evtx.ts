/**
 * Reading Windows `.evtx` files: our reader (ingest/parsers/evtx/) against evtx_dump, whole
 * process against whole process, each turning every record of the same file into evtx_dump's JSON
 * lines (`-o jsonl`) written to /dev/null.
 *
 *   node --import tsx bench/evtx.ts [--mb 64] [--file F.evtx] [--evtx-dump PATH]
 *   node --import tsx bench/evtx.ts --hunt RULES [--mb 64] [--file F.evtx]
 *
 * With --hunt, measures `vigil hunt --rules RULES` over the same files instead (the records as
 * objects, normalized to ECS and matched; alerts to /dev/null), and the same hunt over the 711
 * records of the sample, whose CPU seconds (start-up and loading the rules) are the fixed part.
 *
 * Without --file, builds a file of about --mb MiB from the chunks of test/fixtures/evtx/security.evtx
 * repeated (a real Security log), and one a quarter that size to show that memory does not grow
 * with the file. evtx_dump comes from --evtx-dump, $EVTX_DUMP or scripts/ensure-evtx-dump.sh; it
 * runs with one thread (`-t 1`, as our reader has) and with its default threads. Prints MB/s and
 * records/s (wall), CPU seconds and MB per CPU second (steadier on a shared machine), and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtxFile } from '../ingest/parsers/evtx/index.js';
import { arg, argNumber } from './args.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

if (process.argv[2] === '--child') {
  // The measured process: read, render JSON lines, write them out (as evtx_dump -o jsonl does),
  // through one reused buffer rather than joined strings.
  const fd = 1;
  let records = 0;
  let bad = 0;
  const out = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  for await (const item of readEvtxFile(process.argv[3] as string)) {
    if (item.kind === 'bad') bad++;
    else {
      records++;
      const json = item.json;
      // 3 bytes of UTF-8 at most per UTF-16 unit, and the newline.
      if (used + 3 * json.length + 1 > out.length) {
        writeSync(fd, out, 0, used);
        used = 0;
      }
      if (3 * json.length + 1 > out.length) writeSync(fd, `${json}\n`);
      else {
        used += out.write(json, used);
        out[used++] = 0x0a;
      }
    }
  }
  if (used > 0) writeSync(fd, out, 0, used);
  process.stderr.write(JSON.stringify({ records, bad }) + '\n');
  process.exit(0);
}

/** Header + the sample's chunks repeated until the file is about `mb` MiB. */
function buildFile(path: string, mb: number): void {
  const sample = readFileSync(join(ROOT, 'test/fixtures/evtx/security.evtx'));
  const chunks = sample.subarray(4096);
  const fd = openSync(path, 'w');
  writeSync(fd, sample.subarray(0, 4096));
  for (let size = 4096; size < mb << 20; size += chunks.length) writeSync(fd, chunks);
  closeSync(fd);
}

interface Run {
  seconds: number;
  /** User + system CPU seconds: steadier than wall time on a shared machine. */
  cpu: number;
  rssMb: number;
  stderr: string;
}

/** Runs `cmd` with stdout to /dev/null under /usr/bin/time: wall seconds and peak RSS. */
function timed(cmd: string, args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', cmd, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
    maxBuffer: 64 << 20,
  });
  const m = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return { seconds: Number(m[1]), cpu: Number(m[3]) + Number(m[4]), rssMb: Number(m[2]) / 1024, stderr: r.stderr };
}

function evtxDump(): string | undefined {
  const given = arg('evtx-dump') ?? process.env.EVTX_DUMP;
  if (given) return given;
  const r = spawnSync('bash', ['scripts/ensure-evtx-dump.sh'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-evtx-'));
try {
  const mb = argNumber('mb', 64);
  const files: string[] = [];
  if (arg('file')) files.push(arg('file') as string);
  else {
    for (const size of [Math.max(1, Math.round(mb / 4)), mb]) {
      const f = join(dir, `security-${size}MiB.evtx`);
      buildFile(f, size);
      files.push(f);
    }
  }
  const rules = arg('hunt');
  const dump = rules ? undefined : evtxDump();
  if (rules) {
    const hunt = (file: string): Run => timed(process.execPath, ['bin/vigil.js', 'hunt', '--rules', rules, file]);
    const fixed = hunt(join(ROOT, 'test/fixtures/evtx/security.evtx'));
    console.log(`vigil hunt --rules ${rules}: sample (711 records, start-up and rules) CPU ${fixed.cpu.toFixed(2)} s`);
    for (const file of files) {
      const mb = statSync(file).size / 2 ** 20;
      const r = hunt(file);
      const net = Math.max(r.cpu - fixed.cpu, 0.01);
      console.log(
        `  ${file.split('/').pop()}: ${mb.toFixed(1)} MiB, wall ${r.seconds.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s ` +
          `(${(mb / r.cpu).toFixed(1)} MB per CPU s; ${(mb / net).toFixed(1)} without the sample's CPU), peak RSS ${r.rssMb.toFixed(0)} MB`,
      );
    }
  } else console.log(`evtx_dump: ${dump ?? 'not found (only our reader is measured)'}`);
  for (const file of rules ? [] : files) {
    const bytes = statSync(file).size;
    const ours = timed(process.execPath, ['--import', 'tsx', 'bench/evtx.ts', '--child', file]);
    const counts = JSON.parse(/\{"records".*\}/.exec(ours.stderr)?.[0] ?? '{"records":0,"bad":0}') as { records: number; bad: number };
    const mb = bytes / 2 ** 20;
    const line = (name: string, r: Run): string =>
      `  ${name.padEnd(28)} ${(mb / r.seconds).toFixed(1).padStart(7)} MB/s ${Math.round(counts.records / r.seconds)
        .toLocaleString('en-US')
        .padStart(
          10,
        )} records/s  wall ${r.seconds.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s (${(mb / Math.max(r.cpu, 0.01)).toFixed(1)} MB per CPU s)  peak RSS ${r.rssMb.toFixed(0)} MB`;
    console.log(
      `${file.split('/').pop()}: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${counts.records.toLocaleString('en-US')} records, ${counts.bad} unreadable`,
    );
    console.log(line('vigil (node, 1 thread)', ours));
    if (dump) {
      const one = timed(dump, ['-t', '1', '-o', 'jsonl', file]);
      console.log(line('evtx_dump -t 1', one));
      console.log(line('evtx_dump (default threads)', timed(dump, ['-o', 'jsonl', file])));
      console.log(
        `  vigil / evtx_dump -t 1: ${(one.seconds / ours.seconds).toFixed(2)}× the speed (wall), ${(one.cpu / ours.cpu).toFixed(2)}× (CPU)`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
