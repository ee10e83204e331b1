import { VigilError } from '../../core/errors/index.js';
import { loadPlaybooks } from '../../playbooks/index.js';
import { parseArgs } from '../args.js';
import { run as listActions } from './playbooks-actions.js';

const USAGE = `usage: vigil playbooks validate <file|dir>… [--secrets NAME,…]
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
 */
export async function run(argv: string[], io: PlaybooksIo = { out: (l) => console.log(l) }): Promise<number> {
  if (argv[0] === 'actions') return listActions(argv.slice(1));
  const { positional, lists } = parseArgs(argv, { lists: ['secrets'] as const });
  const [verb, ...paths] = positional;
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
