import { VigilError } from '../core/errors/index.js';
import { allowEntryProblem, classifyAddress, isMetadataHost } from './actions/net/address-policy.js';
import type { InputSpec } from './schema.js';

/**
 * A step's `allow_hosts` entry may follow a value rather than name a host: exactly one
 * `${{ $.inputs.<name> }}` (a string input: its default, or what a manual run sets) or
 * `${{ secrets.<NAME> }}` (a value of `playbooks.secrets` in vigil.yaml). The incident, step
 * results and for_each items are never allowed there: they come from what is being responded
 * to, and an attacker who writes them would choose where the worker connects. The value is
 * read when the step runs and must be one host: a name or an address, never a network, a
 * wildcard or a cloud metadata endpoint (its answers are credentials). It then allows that host
 * as a literal entry does, checked on the resolved address at connect time.
 */
export type AllowRef = { kind: 'input'; name: string } | { kind: 'secret'; name: string };

const REF = /^\$\{\{\s*(?:\$\.inputs\.([A-Za-z_][A-Za-z0-9_]*)|secrets\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}$/;

/** True when the entry is (or tries to be) a template rather than a host. */
export function isAllowTemplate(entry: unknown): entry is string {
  return typeof entry === 'string' && entry.includes('${{');
}

/** The input or secret a template entry follows, or why it may not stand in `allow_hosts`. */
export function allowRefOf(
  entry: string,
  spec: { inputs: Readonly<Record<string, InputSpec>>; secrets: readonly string[] },
): AllowRef | string {
  const m = REF.exec(entry.trim());
  if (!m) return 'follows exactly one ${{ $.inputs.<name> }} or ${{ secrets.<NAME> }}, nothing else (never the incident or a step result)';
  if (m[1] !== undefined) {
    const input = spec.inputs[m[1]];
    if (!input) return `names input "${m[1]}", which is not declared in inputs`;
    if (input.type !== 'string') return `names input "${m[1]}" of type ${input.type}; a host is a string input`;
    return { kind: 'input', name: m[1] };
  }
  const name = m[2] as string;
  return spec.secrets.includes(name) ? { kind: 'secret', name } : `names secret "${name}", which is not declared in the playbook's secrets`;
}

/** Why a value an entry followed cannot be allowed: not exactly one host. */
export function singleHostProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || allowEntryProblem(value)) return 'is not a host name or an IP address';
  const text = value.trim();
  if (text.includes('/')) return 'is a network; an input or secret allows one host';
  if (text.startsWith('*.')) return 'is a wildcard; an input or secret allows one host';
  if (isMetadataHost(text) || classifyAddress(text.replace(/^\[|\]$/g, '')) === 'metadata') return 'is a cloud metadata endpoint';
  return undefined;
}

/**
 * The step's allow entries for one run: literal entries as written, template entries as the
 * values they follow. A value that is missing or not one host fails the step (TEMPLATE_INVALID)
 * before anything connects; the message names the entry, not the value when it is a secret.
 */
export function allowHostsFor(
  entries: readonly string[],
  run: { inputs: Readonly<Record<string, unknown>>; secrets: Readonly<Record<string, string>> },
  where: string,
): string[] {
  return entries.map((entry) => {
    if (!isAllowTemplate(entry)) return entry;
    const m = REF.exec(entry.trim());
    const secret = m?.[2];
    const value = m?.[1] !== undefined ? run.inputs[m[1]] : secret !== undefined ? run.secrets[secret] : undefined;
    const why = value === undefined ? 'has no value' : singleHostProblem(value);
    if (why) {
      const shown = secret !== undefined || value === undefined ? '' : ` (${JSON.stringify(value)})`;
      throw new VigilError('TEMPLATE_INVALID', `${where}: allow_hosts entry ${entry}${shown} ${why}`);
    }
    return (value as string).trim();
  });
}
