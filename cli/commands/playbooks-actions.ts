import { ACTIONS } from '../../playbooks/actions/registry.js';
import type { ActionSpec } from '../../playbooks/actions/types.js';

/**
 * `vigil playbooks actions`: every action a step may name (core and library), one per line:
 * its name, then its inputs as `name*:type` (`*` required, `=value` default, `(secret)` for
 * credentials that belong in `${{ secrets.NAME }}`), then ` — ` and its description.
 */
export function actionLines(actions: Readonly<Record<string, ActionSpec>> = ACTIONS): string[] {
  const width = Math.max(...Object.keys(actions).map((n) => n.length));
  return Object.entries(actions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, spec]) => `${name.padEnd(width)}  ${inputs(spec).join(' ')} — ${spec.description}`);
}

function inputs(spec: ActionSpec): string[] {
  const names = [...spec.args.required, ...spec.args.optional];
  return names.map((n) => {
    const input = spec.inputs?.[n];
    const required = spec.args.required.includes(n) ? '*' : '';
    const type = input ? `:${input.type}` : '';
    const dflt =
      input?.default === undefined ? '' : `=${typeof input.default === 'string' ? input.default : JSON.stringify(input.default)}`;
    const secret = input?.secret ? '(secret)' : '';
    return `${n}${required}${type}${dflt}${secret}`;
  });
}

export function run(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    console.error(`vigil playbooks actions: takes no arguments (got ${argv.join(' ')})`);
    return Promise.resolve(2);
  }
  for (const line of actionLines()) console.log(line);
  return Promise.resolve(0);
}
