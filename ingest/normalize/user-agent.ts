/**
 * `user_agent.*` as Elasticsearch's `user_agent` ingest processor writes it, which Elastic's
 * integrations run on the user agents they read (Okta, Entra ID sign-ins, CloudTrail, GCP audit,
 * Microsoft 365, PAN-OS, Zeek and Suricata HTTP): `original`, `name` (`Other` when no parser
 * matches), `version`, `os.name`/`version`/`full` (no `os` when none matches) and `device.name`
 * (`Other` when none matches), from ua-parser's regexes (the `uap-core` package).
 *
 * The regexes run on RE2 (re2js): a user agent is attacker-controlled text, and RE2's matching is
 * linear in its length, so no user agent can make a regex backtrack. Only the first `MAX_PARSED`
 * characters are parsed, each regex runs only on user agents that contain its literals
 * (`user-agent-prefilter.ts`), and results are kept in a bounded LRU: user agents repeat a lot.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { RE2JS } from 're2js';
import { Lru } from '../../core/cache/lru.js';
import { metrics } from '../../core/telemetry/index.js';
import { parseYaml } from '../../core/yaml/index.js';
import { AtomIndex, asciiLower, passes, prefilterOf, type Prefilter, type Scan } from './user-agent-prefilter.js';

/** ECS `user_agent` as the processor writes it. */
export interface UserAgentFields {
  original: string;
  name: string;
  version?: string;
  os?: { name: string; version?: string; full?: string };
  device: { name: string };
}

/** What an event gets: the parse, or the original alone when the parse budget is spent. */
export type UserAgent = UserAgentFields | { original: string };

/** Longer user agents are parsed on their first `MAX_PARSED` characters (`original` stays whole). */
export const MAX_PARSED = 1024;
/** Distinct user agents whose parse is kept. */
const CACHE_SIZE = 10_000;
/**
 * Characters of unseen user agents a thread parses each second. An unseen one costs about 2–4 µs
 * a character here (over a thousand regexes may apply: 0.2–0.5 ms for a browser's, 2–4 ms for a
 * hostile 1,024), so a sender inventing a user agent per event could otherwise hold a core.
 * 60,000 characters is about 500 browser user agents a second, and at most about a quarter of a
 * core; past it, events keep `user_agent.original` only and are counted
 * (`vigil_normalize_user_agent_unparsed_total`). Counted in characters rather than time so that
 * what an event gets does not depend on how loaded the machine is.
 */
export const DEFAULT_PARSE_BUDGET_CHARS_PER_SECOND = 60_000;

interface Rule {
  /** Position in the concatenated lists, as `AtomIndex` numbers the filters. */
  id: number;
  source: string;
  caseInsensitive: boolean;
  filter: Prefilter;
  /** Compiled on first use: most rules never run in a given deployment. */
  re?: RE2JS;
  /** name, major, minor, patch, build replacements (`$n` is group n). */
  replacements: readonly (string | undefined)[];
}

interface Named {
  name: string;
  v: (string | undefined)[];
}

interface Rules {
  ua: Rule[];
  os: Rule[];
  device: Rule[];
  atoms: AtomIndex;
}

type RawRule = Record<string, string | undefined>;

let rules: Rules | undefined;

function load(): Rules {
  const path = createRequire(import.meta.url).resolve('uap-core/regexes.yaml');
  const doc = parseYaml(readFileSync(path, 'utf8')) as Record<string, RawRule[]>;
  let next = 0;
  const build = (list: RawRule[] | undefined, keys: readonly string[]): Rule[] =>
    (list ?? []).map((r) => ({
      id: next++,
      source: r.regex ?? '',
      caseInsensitive: r.regex_flag === 'i',
      filter: prefilterOf(r.regex ?? ''),
      replacements: keys.map((k) => r[k]),
    }));
  const ua = build(doc.user_agent_parsers, ['family_replacement', 'v1_replacement', 'v2_replacement', 'v3_replacement', 'v4_replacement']);
  const os = build(doc.os_parsers, ['os_replacement', 'os_v1_replacement', 'os_v2_replacement', 'os_v3_replacement', 'os_v4_replacement']);
  // The processor reads only the device's name; brand and model are not ECS fields.
  const device = build(doc.device_parsers, ['device_replacement']);
  return { ua, os, device, atoms: new AtomIndex([...ua, ...os, ...device].map((r) => r.filter)) };
}

/** `$1`…`$9` in a replacement are the groups (a group that did not take part is empty). */
function substitute(replacement: string, groups: (string | null)[]): string {
  return replacement.includes('$') ? replacement.replace(/\$([1-9])/g, (_, n: string) => groups[Number(n)] ?? '') : replacement;
}

/**
 * The first rule that matches, read as Elasticsearch reads it: the name is the replacement or
 * group 1, each version part its replacement or the next group (an empty group is an empty part);
 * a match that yields no name does not count and the next rule is tried.
 */
function firstMatch(list: Rule[], text: string, scan: Scan, parts: number): Named | undefined {
  for (const rule of list) {
    if (scan.maybe[rule.id] === 0 || !passes(rule.filter, scan.present)) continue;
    rule.re ??= RE2JS.compile(rule.source, rule.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    const m = rule.re.matcher(text);
    if (!m.find()) continue;
    const count = m.groupCount();
    const groups: (string | null)[] = [];
    for (let g = 0; g <= count; g++) groups.push(m.group(g));
    const value = (i: number): string | undefined => {
      const r = rule.replacements[i];
      if (r !== undefined) return substitute(r, groups);
      return i + 1 <= count ? (groups[i + 1] ?? undefined) : undefined;
    };
    const name = value(0);
    if (name === undefined) continue;
    const v: (string | undefined)[] = [];
    for (let i = 1; i < parts; i++) v.push(value(i));
    return { name, v };
  }
  return undefined;
}

/** `major[.minor[.patch[.build]]]`, stopping at the first missing part, as the processor joins them. */
function joinVersion(v: (string | undefined)[]): string | undefined {
  if (v[0] === undefined) return undefined;
  let out = v[0];
  for (let i = 1; i < v.length && v[i] !== undefined; i++) out += `.${v[i] as string}`;
  return out;
}

function parse(original: string): UserAgentFields {
  rules ??= load();
  const text = original.length > MAX_PARSED ? original.slice(0, MAX_PARSED) : original;
  const scan = rules.atoms.scan(asciiLower(text));
  const ua = firstMatch(rules.ua, text, scan, 5);
  const os = firstMatch(rules.os, text, scan, 5);
  const device = firstMatch(rules.device, text, scan, 1);
  const out: UserAgentFields = { original, name: ua?.name ?? 'Other', device: { name: device?.name ?? 'Other' } };
  const version = ua && joinVersion(ua.v);
  if (version !== undefined) out.version = version;
  if (os) {
    const osVersion = joinVersion(os.v);
    out.os = osVersion === undefined ? { name: os.name } : { name: os.name, version: osVersion, full: `${os.name} ${osVersion}` };
  }
  return out;
}

const cache = new Lru<string, UserAgentFields>(CACHE_SIZE);
const budget = { perSecond: DEFAULT_PARSE_BUDGET_CHARS_PER_SECOND, windowStart: 0, spent: 0 };

/** Sets this thread's parse budget (characters a second; `Infinity` for none). */
export function setUserAgentParseBudget(charsPerSecond: number): void {
  budget.perSecond = charsPerSecond;
  budget.spent = 0;
}

/** Takes `chars` from this second's budget if it has them (a new second starts a new budget). */
function takeBudget(chars: number): boolean {
  const now = performance.now();
  if (now - budget.windowStart >= 1000) {
    budget.windowStart = now;
    budget.spent = 0;
  }
  if (budget.spent + chars > budget.perSecond) return false;
  budget.spent += chars;
  return true;
}

/**
 * The processor's `user_agent` for a user agent string; undefined for none or a blank one (the
 * processor is run with `ignore_missing`). Each call returns its own copy of the cached parse.
 */
export function userAgent(original: string | undefined): UserAgent | undefined {
  if (original === undefined || original === '') return undefined;
  let hit = cache.get(original);
  if (hit === undefined) {
    if (!takeBudget(Math.min(original.length, MAX_PARSED))) {
      metrics.userAgentUnparsed.inc();
      return { original };
    }
    hit = parse(original);
    cache.set(original, hit);
  }
  return { ...hit, ...(hit.os ? { os: { ...hit.os } } : {}), device: { ...hit.device } };
}
