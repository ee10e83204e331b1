import { ipOf, isObject, obj, str, type Json } from '../cloud/common.js';
import { domainParts } from '../domain.js';
import { bool, count, distinguishedName, strings, timeOf } from '../network-fields.js';
import { userAgent } from '../user-agent.js';

/**
 * The ECS fields of EVE's per-protocol objects, as Elastic's `suricata.eve` pipeline (and its
 * `dns` and `tls` sub-pipelines) write them. Each returns ECS fields to merge; the protocol
 * object itself stays under `suricata.eve.<type>`.
 */

/** `http`: method, status, URL split like Elastic's grok (`path?query#fragment`), referrer, body size, user agent. */
export function httpFields(http: Json): Json {
  const url = str(http.url);
  const m = url ? /^([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(url) : null;
  const host = str(http.hostname);
  const status = count(http.status);
  return {
    http: {
      request: { method: str(http.http_method), referrer: str(http.http_refer) },
      response: { status_code: status, body: { bytes: count(http.length) } },
    },
    url: { original: url, path: m?.[1], query: m?.[2], fragment: m?.[3], domain: host },
    destination: { domain: host },
    user_agent: userAgent(str(http.http_user_agent)),
    event: { outcome: status === undefined ? undefined : status < 400 ? 'success' : 'failure' },
  };
}

/**
 * `dns`: EVE v1 (one record per answer), v2 (`answers` list) and v3 (`queries` list,
 * `request`/`response`). The
 * question is read from queries and, as Elastic does, from answers only in v2, where every
 * answer record repeats it.
 */
export function dnsFields(dns: Json): { fields: Json; resolved: string[] } {
  const v3query = Array.isArray(dns.queries) ? obj(dns.queries[0]) : undefined;
  // v3 (Suricata 8) says request/response.
  const given = str(dns.type);
  const type = given === 'request' ? 'query' : given === 'response' ? 'answer' : (given ?? (v3query ? 'query' : undefined));
  const q = v3query ?? dns;
  const withQuestion = type === 'query' || dns.version === 2 || dns.version === 3 || v3query !== undefined;
  const flags = (['aa', 'tc', 'rd', 'ra'] as const).filter((f) => bool(dns[f]) === true).map((f) => f.toUpperCase());
  const resolved: string[] = [];
  let answers: Json[] | undefined;
  if (type === 'answer' && Array.isArray(dns.answers)) {
    answers = dns.answers.filter(isObject).map((a) => {
      const rtype = str(a.rrtype);
      const data = str(a.rdata);
      if ((rtype === 'A' || rtype === 'AAAA') && ipOf(data)) resolved.push(ipOf(data) as string);
      return { name: str(a.rrname), type: rtype, data, ttl: count(a.ttl) };
    });
  } else if (type === 'answer' && dns.version === undefined && dns.rrname !== undefined && dns.rdata !== undefined) {
    // v1: one record per answer.
    const rtype = str(dns.rrtype);
    const data = str(dns.rdata);
    answers = [{ name: str(dns.rrname), type: rtype, data, ttl: count(dns.ttl) }];
    if ((rtype === 'A' || rtype === 'AAAA') && ipOf(data)) resolved.push(ipOf(data) as string);
  }
  return {
    fields: {
      dns: {
        id: str(dns.id),
        type,
        response_code: str(dns.rcode),
        // Elastic splits `rrname` of every DNS record, v1 answers (which have no question) included.
        question: { ...(withQuestion ? { name: str(q.rrname), type: str(q.rrtype) } : {}), ...domainParts(str(q.rrname)) },
        answers,
        resolved_ip: resolved.length > 0 ? resolved : undefined,
        header_flags: flags.length > 0 ? flags : undefined,
      },
    },
    resolved,
  };
}

/** `TLS 1.2` / `TLSv1.3` / `SSLv3` → ECS `tls.version` and `tls.version_protocol`. */
function tlsVersion(v: string | undefined): Json {
  if (!v || v === 'UNDETERMINED') return {};
  const m = /^(.*?)(?:v| )(.+)$/.exec(v);
  return m ? { version: m[2], version_protocol: (m[1] as string).toLowerCase() } : {};
}

/** `tls`: certificate subject and issuer (whole and split), fingerprint, SNI, JA3/JA3S, validity, serial. */
export function tlsFields(tls: Json): { fields: Json; hashes: string[]; hosts: string[] } {
  const sni = str(tls.sni)?.replace(/\.$/, '');
  const sha1 = str(tls.fingerprint)?.toUpperCase().replace(/:/g, '');
  const ja3s = str(obj(tls.ja3s).hash);
  const ja3 = str(obj(tls.ja3).hash);
  const notAfter = timeOf(tls.notafter);
  const notBefore = timeOf(tls.notbefore);
  const fields: Json = {
    tls: {
      ...tlsVersion(str(tls.version)),
      resumed: bool(tls.session_resumed),
      client: { server_name: sni, ja3 },
      server: {
        subject: str(tls.subject),
        issuer: str(tls.issuerdn),
        hash: { sha1 },
        ja3s,
        certificate: str(tls.certificate),
        certificate_chain: tls.chain === undefined ? undefined : strings(tls.chain),
        not_after: notAfter,
        not_before: notBefore,
        x509: {
          subject: distinguishedName(tls.subject),
          issuer: distinguishedName(tls.issuerdn),
          serial_number: str(tls.serial)?.replace(/:/g, ''),
          not_after: notAfter,
          not_before: notBefore,
        },
      },
    },
    destination: { domain: sni },
  };
  return { fields, hashes: [sha1, ja3s, ja3].filter((h): h is string => h !== undefined), hosts: sni ? [sni] : [] };
}

/** `fileinfo`: the file's name (Elastic: `file.path`), size, and hashes when Suricata computed them. */
export function fileinfoFields(f: Json): Json {
  return {
    file: {
      path: str(f.filename),
      size: count(f.size),
      hash: { md5: str(f.md5), sha1: str(f.sha1), sha256: str(f.sha256) },
    },
  };
}

/** `alert`: the rule, severity, category as `message`, and MITRE ATT&CK metadata as `threat.*`. */
export function alertFields(alert: Json): { fields: Json; action?: string } {
  const meta = obj(alert.metadata);
  const tacticIds = strings(meta.mitre_attack ?? meta.mitre_tactic_id);
  const action = str(alert.action);
  return {
    fields: {
      message: str(alert.category),
      rule: { id: str(alert.signature_id), name: str(alert.signature), category: str(alert.category) },
      event: { severity: count(alert.severity) },
      threat: {
        tactic: { id: tacticIds.length > 0 ? tacticIds : undefined, name: strings(meta.mitre_tactic_name) },
        technique: { id: strings(meta.mitre_technique_id), name: strings(meta.mitre_technique_name) },
      },
    },
    action: action === 'blocked' ? 'denied' : action === 'allowed' ? 'allowed' : undefined,
  };
}
