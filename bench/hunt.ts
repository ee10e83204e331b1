/**
 * `vigil hunt` against rsigma's `engine eval`, whole process against whole process: the same
 * NDJSON file of ECS events (bench/detect-events.ts's mix), all SigmaHQ rules (../shared/sigma/rules),
 * each process pinned to the same one core (`taskset -c`), alerts written as JSON lines to a file.
 *
 *   node --import tsx bench/hunt.ts [--events 100000] [--big 1000000] [--runs 3] [--core 0] [--rsigma PATH] [--no-cache]
 *
 * Each run times both, one after the other (so a busy machine weighs on both alike): wall
 * seconds, CPU seconds (user + system: steadier on a shared machine), events/s and events per
 * CPU second, peak RSS, alert lines; and the ratio vigil / rsigma. Start-up (Node, rule loading
 * and compiling for vigil; rule loading for rsigma) is inside the whole-process figures; a run
 * over a one-event file shows it apart: vigil's first, with an empty rule cache (a cache folder
 * of the bench's own, `VIGIL_CACHE_DIR`), then with the cache that run filled, as every later run
 * has it; `--no-cache` runs vigil without its cache throughout. With --big, one run of each over a file of that many
 * events (alerts to /dev/null) shows whether peak memory grows with the file.
 *
 * rsigma comes from --rsigma, $RSIGMA or scripts/ensure-rsigma.sh (which builds it with cargo the
 * first time, about 25 minutes); without it only vigil is measured.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixedEvents } from './detect-events.js';
import { arg, argNumber } from './args.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../shared/sigma/rules', import.meta.url));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Run {
  wall: number;
  cpu: number;
  rssMB: number;
  alerts: number;
}

/** Writes `n` events (in slices, so that a million need not be held at once). */
async function writeEvents(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  const slice = 50_000;
  for (let i = 0; i < n; i += slice) {
    const events = mixedEvents(Math.min(slice, n - i), 1 + i / slice);
    if (!out.write(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** One process on one core, stdout to `outFile`: wall and CPU seconds, peak RSS, lines written. */
function timed(core: string, outFile: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Run {
  const r = spawnSync(
    'bash',
    ['-c', 'exec taskset -c "$1" /usr/bin/time -f "TIME %e %M %U %S" "${@:2}" > "$0"', outFile, core, cmd, ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: env ?? process.env },
  );
  const m = /TIME (\S+) (\d+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-600)}`);
  const count = outFile === '/dev/null' ? undefined : spawnSync('grep', ['-c', '^{', outFile], { encoding: 'utf8' }).stdout;
  const alerts = count === undefined ? NaN : Number(count.trim());
  return { wall: Number(m[1]), rssMB: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), alerts };
}

function line(name: string, n: number, r: Run): string {
  return (
    `${name.padEnd(8)} ${r.wall.toFixed(2).padStart(6)} s wall, ${r.cpu.toFixed(2).padStart(6)} s CPU: ` +
    `${fmt(n / r.wall).padStart(7)} events/s, ${fmt(n / r.cpu).padStart(7)} per CPU s, ` +
    `peak RSS ${r.rssMB.toFixed(0)} MB${Number.isNaN(r.alerts) ? '' : `, ${fmt(r.alerts)} alerts`}`
  );
}

const range = (xs: number[], digits = 2): string =>
  xs.length === 0 ? '-' : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

function ensureRsigma(): string | undefined {
  const r = spawnSync('bash', ['scripts/ensure-rsigma.sh'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  const n = argNumber('events', 100_000);
  const big = argNumber('big', 0);
  const runs = argNumber('runs', 3);
  const core = arg('core', '0') as string;
  const bin = arg('rsigma') ?? process.env.RSIGMA ?? ensureRsigma();
  const probe = bin === undefined ? undefined : spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const peer = probe?.status === 0 ? probe.stdout.trim().split('\n')[0] : undefined;
  if (!peer) console.log(`rsigma: not run (no binary: scripts/ensure-rsigma.sh failed, or give --rsigma PATH)`);

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-hunt-'));
  try {
    const file = join(dir, 'events.jsonl');
    const one = join(dir, 'one.jsonl');
    await writeEvents(file, n);
    await writeEvents(one, 1);
    const out = join(dir, 'out.jsonl');
    const noCache = process.argv.includes('--no-cache');
    const env = { ...process.env, VIGIL_CACHE_DIR: join(dir, 'cache') };
    const vigil = (f: string, to = out): Run =>
      timed(
        core,
        to,
        process.execPath,
        ['bin/vigil.js', 'hunt', '--rules', CORPUS, '--output', 'jsonl', ...(noCache ? ['--no-cache'] : []), f],
        env,
      );
    const rsigma = (f: string, to = out): Run =>
      timed(core, to, bin as string, [
        'engine',
        'eval',
        '-r',
        CORPUS,
        '-e',
        `@${f}`,
        '-p',
        'ecs_windows',
        '-q',
        '--no-stats',
        '--output-format',
        'ndjson',
      ]);

    console.log(
      `corpus: ${CORPUS}; ${fmt(n)} events (${file}); one core each (taskset -c ${core}); vigil: node ${process.version}${peer ? `; ${peer}` : ''}`,
    );
    const startV = vigil(one);
    const startup = noCache ? 'start-up (one event, no cache)' : 'start-up (one event, empty cache)';
    console.log(line('vigil', 1, startV).replace(/:.*events\/s, .* per CPU s,/, `: ${startup},`));
    if (!noCache) {
      const warm = vigil(one);
      console.log(line('vigil', 1, warm).replace(/:.*events\/s, .* per CPU s,/, ': start-up (one event, rules cached),'));
    }
    if (peer) {
      const startR = rsigma(one);
      console.log(line('rsigma', 1, startR).replace(/:.*events\/s, .* per CPU s,/, ': start-up (one event),'));
    }
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const rates: { vigil: number[]; rsigma: number[] } = { vigil: [], rsigma: [] };
    for (let i = 0; i < runs; i++) {
      const v = vigil(file);
      console.log(line('vigil', n, v));
      rates.vigil.push(n / v.wall);
      if (!peer) continue;
      const r = rsigma(file);
      console.log(line('rsigma', n, r));
      rates.rsigma.push(n / r.wall);
      ratios.push(r.wall / v.wall);
      cpuRatios.push(r.cpu / v.cpu);
      console.log(`  vigil / rsigma: ${(r.wall / v.wall).toFixed(2)}x events/s, ${(r.cpu / v.cpu).toFixed(2)}x per CPU second`);
    }
    console.log(
      `${runs} runs: vigil ${range(rates.vigil, 0)} events/s` +
        (peer
          ? `, rsigma ${range(rates.rsigma, 0)}; vigil / rsigma ${range(ratios)}x (${range(cpuRatios)}x per CPU second); goal ≥ 1.5x`
          : ''),
    );
    if (big > 0) {
      const bigFile = join(dir, 'big.jsonl');
      await writeEvents(bigFile, big);
      // Alerts to /dev/null: a million events make about a gigabyte of them.
      console.log(`peak memory as the file grows: ${fmt(big)} events, alerts to /dev/null`);
      console.log(line('vigil', big, vigil(bigFile, '/dev/null')));
      if (peer) console.log(line('rsigma', big, rsigma(bigFile, '/dev/null')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
