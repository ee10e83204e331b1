import { errorMessage } from '../../core/errors/index.js';
import { formatStatusTable, parseServicesArgv, status } from '../services/index.js';

/** `vigil status [--state-dir DIR] [--config FILE] [--only ...]`: exit 0 when every requested service is up. */
export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseServicesArgv(argv);
  } catch (err) {
    process.stderr.write(`vigil status: ${errorMessage(err)}\n`);
    return 2;
  }
  try {
    const rows = await status(opts);
    process.stdout.write(`${formatStatusTable(rows)}\n`);
    return rows.every((r) => r.health === 'up') ? 0 : 1;
  } catch (err) {
    process.stderr.write(`vigil status: ${errorMessage(err)}\n`);
    return 1;
  }
}
