import { errorMessage } from '../../core/errors/index.js';
import { down, parseServicesArgv } from '../services/index.js';

/** `vigil down [--state-dir DIR] [--config FILE] [--only ...]`: stops what `vigil up` started; keeps data. */
export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseServicesArgv(argv);
  } catch (err) {
    process.stderr.write(`vigil down: ${errorMessage(err)}\n`);
    return 2;
  }
  try {
    const results = await down(opts);
    for (const r of results) {
      const what =
        r.outcome === 'not-running' ? 'was not running' : r.outcome === 'killed' ? `killed (pid ${r.pid})` : `stopped (pid ${r.pid})`;
      process.stdout.write(`${r.service}: ${what}${r.note ? ` — ${r.note}` : ''}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`vigil down: ${errorMessage(err)}\n`);
    return 1;
  }
}
