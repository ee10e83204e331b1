import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RE2JS } from 're2js';
import { parseYaml } from '../../core/yaml/index.js';

/**
 * A plain reading of uap-core's regexes.yaml as Elasticsearch's user_agent processor reads it,
 * with no prefilter and no cache: every regex of each list is tried in order on the whole user
 * agent. The oracle for `ingest/normalize/user-agent.ts`, whose prefilters must never skip a
 * regex that matches. Slow (all ~1,200 regexes per call): for tests only.
 */
type Raw = Record<string, string | undefined>;
const doc = parseYaml(readFileSync(createRequire(import.meta.url).resolve('uap-core/regexes.yaml'), 'utf8')) as Record<string, Raw[]>;
const compiled = new Map<Raw, RE2JS>();

function first(list: Raw[], ua: string, keys: string[]): { name: string; v: (string | undefined)[] } | undefined {
  for (const rule of list) {
    let re = compiled.get(rule);
    if (!re) {
      re = RE2JS.compile(rule.regex as string, rule.regex_flag === 'i' ? RE2JS.CASE_INSENSITIVE : 0);
      compiled.set(rule, re);
    }
    const m = re.matcher(ua);
    if (!m.find()) continue;
    const n = m.groupCount();
    const get = (i: number): string | undefined => {
      const r = rule[keys[i] as string];
      if (r !== undefined) return r.replace(/\$([1-9])/g, (_, g: string) => (Number(g) <= n ? (m.group(Number(g)) ?? '') : ''));
      return i + 1 <= n ? (m.group(i + 1) ?? undefined) : undefined;
    };
    const name = get(0);
    if (name === undefined) continue;
    return { name, v: keys.slice(1).map((_, i) => get(i + 1)) };
  }
  return undefined;
}

function version(v: (string | undefined)[]): string | undefined {
  const parts: string[] = [];
  for (const p of v) {
    if (p === undefined) break;
    parts.push(p);
  }
  return parts.length === 0 ? undefined : parts.join('.');
}

export function referenceUserAgent(ua: string): Record<string, unknown> {
  const agent = first(doc.user_agent_parsers ?? [], ua, [
    'family_replacement',
    'v1_replacement',
    'v2_replacement',
    'v3_replacement',
    'v4_replacement',
  ]);
  const os = first(doc.os_parsers ?? [], ua, [
    'os_replacement',
    'os_v1_replacement',
    'os_v2_replacement',
    'os_v3_replacement',
    'os_v4_replacement',
  ]);
  const device = first(doc.device_parsers ?? [], ua, ['device_replacement']);
  const out: Record<string, unknown> = { original: ua, name: agent?.name ?? 'Other', device: { name: device?.name ?? 'Other' } };
  const v = agent && version(agent.v);
  if (v !== undefined) out.version = v;
  if (os) {
    const ov = version(os.v);
    out.os = ov === undefined ? { name: os.name } : { name: os.name, version: ov, full: `${os.name} ${ov}` };
  }
  return out;
}
