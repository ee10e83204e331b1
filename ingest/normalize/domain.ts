import { parse } from 'tldts';

/** ECS's split of a host name: `*.registered_domain`, `*.top_level_domain`, `*.subdomain`. */
export interface DomainParts {
  registered_domain?: string;
  top_level_domain?: string;
  subdomain?: string;
}

// The input is already a host name: no URL extraction, and no validation, which Elasticsearch
// does not do either (`_ldap._tcp.example.com` is split like any other name).
const OPTIONS = {
  allowIcannDomains: true,
  allowPrivateDomains: true,
  detectIp: true,
  extractHostname: false,
  validateHostname: false,
  mixedInputs: false,
} as const;

/**
 * The parts Elasticsearch's `registered_domain` processor gives for a host name, which Elastic's
 * integrations run on `dns.question.name` (Mozilla's Public Suffix List, ICANN and private
 * sections). Its rules, kept here because Kibana's content sees their results:
 * - a private-section suffix is itself the registered domain (`1.www.global.ssl.fastly.net` →
 *   `global.ssl.fastly.net`, top-level `ssl.fastly.net`, subdomain `1.www`; `a.googleapis.com` →
 *   `googleapis.com`, `com`), where an ICANN suffix gets one more label (`www.example.co.uk` →
 *   `example.co.uk`, `co.uk`, `www`);
 * - the top-level domain is the registered domain after its first label;
 * - a name that is a suffix (`com`, `co.uk`) has only the top-level domain, as written;
 * - an address, a name under no listed suffix (`host.corp.local`, `myhost`), a blank name and a
 *   name with a leading or trailing dot have no parts;
 * - matching ignores ASCII case; the registered domain is lower case, and the subdomain is cut
 *   from the name as written only where the name ends in the lower-case registered domain
 *   (`WWW.EXAMPLE.COM` → `example.com`, `com`, no subdomain).
 * IDN labels match in either form (`пример.рф`, `example.xn--p1ai`).
 */
export function domainParts(name: string | undefined): DomainParts | undefined {
  if (name === undefined || name.trim() === '' || name.startsWith('.') || name.endsWith('.')) return undefined;
  const lower = asciiLower(name);
  const r = parse(lower, OPTIONS);
  if (r.isIp === true || r.publicSuffix === null || (r.isIcann !== true && r.isPrivate !== true)) return undefined;
  let registered: string;
  if (r.isPrivate === true) registered = r.publicSuffix;
  else if (r.domain !== null) registered = r.domain;
  else return { top_level_domain: name };
  const dot = registered.indexOf('.');
  if (dot <= 0 || dot === registered.length - 1) return undefined;
  const at = name.lastIndexOf(`.${registered}`);
  return {
    registered_domain: registered,
    top_level_domain: registered.slice(dot + 1),
    subdomain: at > 0 ? name.slice(0, at) : undefined,
  };
}

/** Lower-cases A–Z only, as Apache HttpClient's suffix matcher under Elasticsearch's processor does. */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}
