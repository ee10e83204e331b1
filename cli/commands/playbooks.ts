import { VigilError } from '../../core/errors/index.js';
import { loadPlaybooks } from '../../playbooks/index.js';
import { testPlaybooks } from '../../playbooks/testing/index.js';
import { parseArgs } from '../args.js';
import { run as listActions } from './playbooks-actions.js';

const USAGE = `usage: vigil playbooks validate <file|dir>… [--secrets NAME,…]
       vigil playbooks test <file|dir>…
       vigil playbooks actions`;

/** Where output goes; tests pass their own. */
export interface PlaybooksIo {
  out: (line: string) => void;
}

/**
 * `vigil playbooks actions`: every action, core and library, with its inputs, one per line.
 *
 * `vigil playbooks validate <file|dir>…`: loads every playbook and prints every problem as
 * `file:line:col path: message [CODE]`; exits 2 on any problem, 0 after `N playbooks ok`.
 * With `--secrets`, a declared secret missing from that list is a problem too.
 *
 * `vigil playbooks test <file|dir>…`: runs every playbook's test file (`<name>.tests.yml`) with
 * its recorded action responses, no network; prints one line per test and, for a failing one,
 * `file:line` of each expectation that did not hold. Exits 1 on a failing test, 2 on a playbook
 * or test file that does not load (or a playbook without tests), else 0.
 */
export async function run(argv: string[], io: PlaybooksIo = { out: (l) => console.log(l) }): Promise<number> {
  if (argv[0] === 'actions') return listActions(argv.slice(1));
  const { positional, lists } = parseArgs(argv, { lists: ['secrets'] as const });
  const [verb, ...paths] = positional;
  if (verb === 'test') return runTests(paths, io);
  if (verb !== 'validate') {
    console.error(`vigil playbooks: ${verb ? `unknown subcommand "${verb}"` : 'no subcommand'}\n${USAGE}`);
    return 2;
  }
  if (paths.length === 0) throw new VigilError('CLI_USAGE', `no file or folder\n${USAGE}`);
  const { playbooks, problems } = await loadPlaybooks(paths, lists.secrets.length > 0 ? { secrets: lists.secrets } : {});
  for (const p of problems) io.out(p.describe());
  if (problems.length > 0) {
    io.out(
      `${problems.length} problem${problems.length === 1 ? '' : 's'}; ${playbooks.length} playbook${playbooks.length === 1 ? '' : 's'} ok`,
    );
    return 2;
  }
  io.out(`${playbooks.length} playbook${playbooks.length === 1 ? '' : 's'} ok: ${playbooks.map((p) => p.id).join(', ')}`);
  return 0;
}

async function runTests(paths: string[], io: PlaybooksIo): Promise<number> {
  if (paths.length === 0) throw new VigilError('CLI_USAGE', `no file or folder\n${USAGE}`);
  const { results, problems } = await testPlaybooks(paths);
  for (const p of problems) io.out(p.describe());
  let failed = 0;
  for (const r of results) {
    if (r.failures.length === 0) {
      io.out(`ok   ${r.playbook}: ${r.name}`);
      continue;
    }
    failed++;
    io.out(`FAIL ${r.playbook}: ${r.name}`);
    for (const f of r.failures) io.out(`  ${r.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}`);
  }
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  io.out(`${plural(results.length, 'test')}, ${failed} failed${problems.length > 0 ? `; ${plural(problems.length, 'problem')}` : ''}`);
  return problems.length > 0 ? 2 : failed > 0 ? 1 : 0;
}
