import { errorMessage } from '../../core/errors/index.js';
import { formatStatusTable, parseServicesArgv, status, up } from '../services/index.js';

/** `vigil up [--state-dir DIR] [--config FILE] [--only kafka,redis,elasticsearch]`: exit 0 when all are up. */
export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseServicesArgv(argv);
  } catch (err) {
    process.stderr.write(`vigil up: ${errorMessage(err)}\n`);
    return 2;
  }
  const started = Date.now();
  try {
    const results = await up(opts);
    process.stdout.write(`${formatStatusTable(await status(opts))}\n`);
    const took = ((Date.now() - started) / 1000).toFixed(1);
    const what = results.map((r) => `${r.service} ${r.action === 'started' ? 'started' : 'already running'}`).join(', ');
    process.stdout.write(`vigil up: ${what} (${took} s)\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`vigil up: ${errorMessage(err)}\n`);
    try {
      process.stdout.write(`${formatStatusTable(await status(opts))}\n`);
    } catch {
      // the error above is what matters
    }
    return 1;
  }
}
