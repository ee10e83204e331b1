/**
 * The templates of a library action: `${{ inputs.NAME }}`, `${{ auth.token }}` and
 * `${{ idempotency_key }}` inside strings, with `a ?? b` to fall back from one to the next.
 * A string that is exactly one expression keeps the value's type; one that finds nothing makes
 * its key (or list item) disappear, so optional inputs simply drop out of a request body;
 * a list or map left empty that way disappears as well.
 * Nothing is ever evaluated: an expression is a name lookup.
 */

const EXPR = /\$\{\{(.*?)\}\}/gs;
const NAME = /^(?:inputs\.[A-Za-z_][A-Za-z0-9_]*|auth\.token|idempotency_key)$/;

export interface Scope {
  inputs: Readonly<Record<string, unknown>>;
  auth?: { token: string };
  idempotency_key?: string;
}

/** Every problem of the expressions in `value` (for the loader), with where each sits. */
export function templateProblems(value: unknown, path: string, inputs: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(EXPR)) {
        for (const name of (m[1] ?? '').split('??').map((s) => s.trim())) {
          if (!NAME.test(name)) out.push(`${at}: "${name}" is not inputs.NAME, auth.token or idempotency_key`);
          else if (name.startsWith('inputs.') && !inputs.has(name.slice(7))) out.push(`${at}: ${name} is not a declared input`);
        }
      }
      if (v.replace(EXPR, '').includes('${{')) out.push(`${at}: unterminated \${{`);
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, `${at}.${k}`);
  };
  walk(value, path);
  return out;
}

function lookup(expr: string, scope: Scope): unknown {
  for (const name of expr.split('??').map((s) => s.trim())) {
    const v =
      name === 'idempotency_key'
        ? scope.idempotency_key
        : name === 'auth.token'
          ? scope.auth?.token
          : Object.hasOwn(scope.inputs, name.slice(7))
            ? scope.inputs[name.slice(7)]
            : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/**
 * Renders a template. `encode` turns each value embedded in a string before it is joined (a URL
 * encodes path and query values for where they stand); a whole-string expression is not encoded.
 */
export function render(value: unknown, scope: Scope, encode: (v: string, expr: string) => string = (v) => v): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{(.*?)\}\}$/s.exec(value);
    if (whole && !value.slice(3, -2).includes('${{')) return lookup(whole[1] ?? '', scope);
    let missing = false;
    const text = value.replace(EXPR, (_, expr: string) => {
      const v = lookup(expr, scope);
      if (v === undefined) missing = true;
      return encode(typeof v === 'object' ? JSON.stringify(v) : String(v), expr.trim());
    });
    return missing ? undefined : text;
  }
  // A list or map whose every item was dropped is dropped too (`priority: {name: …}` without a priority).
  if (Array.isArray(value)) {
    const out = value.map((v) => render(v, scope, encode)).filter((v) => v !== undefined);
    return out.length === 0 && value.length > 0 ? undefined : out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = render(v, scope, encode);
      if (r !== undefined) out[k] = r;
    }
    return Object.keys(out).length === 0 && Object.keys(value).length > 0 ? undefined : out;
  }
  return value;
}
