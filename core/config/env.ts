/**
 * `${VAR}` substitution in string scalars of `vigil.yaml`.
 *
 * - `${VAR}`: the value of VAR; unset is a problem (set but empty gives "").
 * - `${VAR:-default}`: the default when VAR is unset or empty, as in POSIX sh.
 * - `$${`: a literal `${`. A `$` not followed by `{` is literal.
 *
 * Defaults are literal text up to the first `}`: nested references are refused rather than
 * half-expanded.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export type Substitution = { ok: true; value: string; substituted: boolean } | { ok: false; problems: string[] };

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function substitute(text: string, env: Env): Substitution {
  if (!text.includes('$')) return { ok: true, value: text, substituted: false };
  let out = '';
  let substituted = false;
  const problems: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) {
      problems.push(`unterminated \${ in "${text}" (write $\${ for a literal \${)`);
      break;
    }
    const inner = text.slice(i + 2, end);
    const m = REFERENCE.exec(inner);
    if (!m) {
      problems.push(`malformed reference \${${inner}}: expected \${NAME} or \${NAME:-default}`);
    } else if (m[2]?.includes('${')) {
      problems.push(`nested reference in \${${inner}}: defaults are literal text`);
    } else {
      const [, name, fallback] = m;
      const value = env[name];
      substituted = true;
      if (fallback !== undefined && (value === undefined || value === '')) out += fallback;
      else if (value !== undefined) out += value;
      else problems.push(`environment variable ${name} is not set (give a default with \${${name}:-value})`);
    }
    i = end + 1;
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: out, substituted };
}
