import { ipOf, isObject, str, type Json } from '../cloud/common.js';
import { domainParts } from '../domain.js';
import { bool, count, distinguishedName, macOf, num, strings, timeOf, totals } from '../network-fields.js';
import { zeekField } from './record.js';
import { userAgent } from '../user-agent.js';

/** What a log's mapper adds to the common Zeek fields. */
export interface LogMapping {
  /** `event.dataset` suffix: `zeek.<dataset>`. */
  dataset: string;
  fields: Json;
  relatedIps?: string[];
  hashes?: string[];
}

/**
 * One log's mapper: reads the record and takes what it moved to ECS out of `rest` (the
 * record's remaining fields, kept under `zeek.<dataset>`), renaming there as Elastic does.
 */
export type LogMapper = (r: Json, rest: Json, transport: string | undefined) => LogMapping;

function take(rest: Json, key: string): unknown {
  const v = rest[key];
  delete rest[key];
  return v;
}

function rename(rest: Json, from: string, to: string): void {
  if (rest[from] === undefined) return;
  const v = take(rest, from);
  const [head, tail] = to.split('.') as [string, string | undefined];
  if (tail === undefined) rest[head] = v;
  else rest[head] = { ...(isObject(rest[head]) ? rest[head] : {}), [tail]: v };
}

/** Seconds (a float) → nanoseconds, as `event.duration` holds. */
const nanos = (v: unknown): number | undefined => {
  const s = num(v);
  return s === undefined || s < 0 ? undefined : Math.round(s * 1e9);
};

/** Elastic's reading of `conn_state`: the state's meaning and the event types it implies. */
// prettier-ignore
const CONN_STATES: Readonly<Record<string, [string, string[]]>> = {
  S0: ['Connection attempt seen, no reply.', ['connection', 'start']],
  S1: ['Connection established, not terminated.', ['connection', 'start']],
  SF: ['Normal establishment and termination.', ['connection', 'start', 'end']],
  REJ: ['Connection attempt rejected.', ['connection', 'start', 'denied']],
  S2: ['Connection established and close attempt by originator seen (but no reply from responder).', ['connection', 'info']],
  S3: ['Connection established and close attempt by responder seen (but no reply from originator).', ['connection', 'info']],
  RSTO: ['Connection established, originator aborted (sent a RST).', ['connection', 'info']],
  RSTR: ['Responder sent a RST.', ['connection', 'info']],
  RSTOS0: ['Originator sent a SYN followed by a RST, we never saw a SYN-ACK from the responder.', ['connection', 'info']],
  RSTRH: ['Responder sent a SYN ACK followed by a RST, we never saw a SYN from the (purported) originator.', ['connection', 'info']],
  SH: ["Originator sent a SYN followed by a FIN, we never saw a SYN ACK from the responder (hence the connection was 'half' open).", ['connection', 'info']],
  SHR: ['Responder sent a SYN ACK followed by a FIN, we never saw a SYN from the originator.', ['connection', 'info']],
  OTH: ["No SYN seen, just midstream traffic (a 'partial connection' that was not later closed).", ['connection', 'info']],
};

const DIRECTIONS: Readonly<Record<string, string>> = {
  truetrue: 'internal',
  truefalse: 'outbound',
  falsetrue: 'inbound',
  falsefalse: 'external',
};

const conn: LogMapper = (r, rest, transport) => {
  const state = str(take(rest, 'conn_state'));
  const known = state !== undefined && Object.hasOwn(CONN_STATES, state) ? CONN_STATES[state] : undefined;
  if (state) rest.state = state;
  if (known) rest.state_message = known[0];
  const src = { bytes: count(take(rest, 'orig_ip_bytes')), packets: count(take(rest, 'orig_pkts')) };
  const dst = { bytes: count(take(rest, 'resp_ip_bytes')), packets: count(take(rest, 'resp_pkts')) };
  const localOrig = bool(r.local_orig);
  const localResp = bool(r.local_resp);
  const icmp = transport === 'icmp';
  if (icmp) rest.icmp = { type: count(zeekPort(r, 'orig')), code: count(zeekPort(r, 'resp')) };
  for (const k of ['orig_bytes', 'resp_bytes', 'tunnel_parents']) delete rest[k];
  return {
    dataset: 'connection',
    fields: {
      event: { category: ['network'], type: known?.[1], duration: nanos(take(rest, 'duration')) },
      network: {
        protocol: str(take(rest, 'service')),
        direction: localOrig === undefined || localResp === undefined ? undefined : DIRECTIONS[`${localOrig}${localResp}`],
        ...totals(src, dst),
      },
      source: { ...src, mac: macOf(take(rest, 'orig_l2_addr')) },
      destination: { ...dst, mac: macOf(take(rest, 'resp_l2_addr')) },
    },
  };
};

const QCLASS: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

const dns: LogMapper = (r, rest) => {
  const flags = (['AA', 'TC', 'RD', 'RA'] as const).filter((f) => bool(r[f]) === true);
  const answers = Array.isArray(r.answers) ? r.answers : undefined;
  const ttls = Array.isArray(r.TTLs) ? r.TTLs : undefined;
  const list =
    answers && ttls && answers.length > 0 && answers.length === ttls.length
      ? answers.map((a, i) => ({ data: str(a), ttl: count(Math.trunc(num(ttls[i]) ?? NaN)) }))
      : undefined;
  const resolved = (list ?? []).map((a) => ipOf(a.data)).filter((ip): ip is string => ip !== undefined);
  for (const k of ['Z', 'auth', 'addl']) delete rest[k];
  return {
    dataset: 'dns',
    fields: {
      event: { category: ['network'], type: ['connection', 'protocol', 'info'], duration: nanos(r.rtt), outcome: 'success' },
      network: { protocol: 'dns' },
      dns: {
        id: str(r.trans_id),
        type: r.rcode_name !== undefined && r.rcode_name !== null ? 'answer' : 'query',
        response_code: str(r.rcode_name),
        header_flags: flags.length > 0 ? flags : undefined,
        question: { name: str(r.query), type: str(r.qtype_name), class: QCLASS[count(r.qclass) ?? -1], ...domainParts(str(r.query)) },
        answers: list,
        resolved_ip: resolved.length > 0 ? resolved : undefined,
      },
    },
  };
};

/** `/a/b.php?x=1#f` → url parts as Elastic's `uri_parts` processor gives them for a request target. */
function uriParts(uri: string | undefined): Json {
  if (!uri) return {};
  const m = /^([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(uri);
  const path = m?.[1] ?? uri;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return { original: uri, path: path || undefined, query: m?.[2], fragment: m?.[3], extension: dot > 0 ? last.slice(dot + 1) : undefined };
}

const http: LogMapper = (r, rest) => {
  const method = str(take(rest, 'method'));
  const status = count(take(rest, 'status_code'));
  const username = str(take(rest, 'username'));
  const url = { ...uriParts(str(take(rest, 'uri'))), domain: str(take(rest, 'host')), username, password: str(take(rest, 'password')) };
  return {
    dataset: 'http',
    fields: {
      event: {
        category: ['network', 'web'],
        type: ['connection', 'protocol', 'info'],
        action: method,
        outcome: status === undefined ? undefined : status < 400 ? 'success' : 'failure',
      },
      network: { transport: 'tcp' },
      http: {
        version: str(take(rest, 'version')),
        request: { method, referrer: str(take(rest, 'referrer')), body: { bytes: count(take(rest, 'request_body_len')) } },
        response: { status_code: status, body: { bytes: count(take(rest, 'response_body_len')) } },
      },
      url,
      user_agent: userAgent(str(take(rest, 'user_agent'))),
      user: { name: username },
    },
  };
};

/** `TLSv12` → `1.2`, `SSLv3` → `3.0`, as Elastic's zeek.ssl pipeline reads Zeek's version names. */
function tlsVersion(v: string | undefined): Json {
  const m = v ? /^(TLS|SSL|DTLS)v(\d+)$/.exec(v) : null;
  if (!m) return {};
  const digits = m[2] as string;
  const version = m[1] === 'SSL' ? `${digits}.0` : `${digits.slice(0, 1)}.${digits.slice(1)}`;
  return { version, version_protocol: (m[1] as string).toLowerCase() };
}

const ssl: LogMapper = (r, rest) => {
  rename(rest, 'server_name', 'server.name');
  rename(rest, 'cert_chain', 'server.cert_chain');
  rename(rest, 'cert_chain_fuids', 'server.cert_chain_fuids');
  rename(rest, 'client_cert_chain', 'client.cert_chain');
  rename(rest, 'client_cert_chain_fuids', 'client.cert_chain_fuids');
  rename(rest, 'validation_status', 'validation.status');
  rename(rest, 'validation_code', 'validation.code');
  const sha1 = str(take(rest, 'resp_certificate_sha1'))?.toUpperCase();
  const ja3 = str(take(rest, 'ja3'));
  const ja3s = str(take(rest, 'ja3s'));
  const issuer = str(take(rest, 'issuer'));
  const subject = str(take(rest, 'subject'));
  const clientIssuer = str(take(rest, 'client_issuer'));
  const clientSubject = str(take(rest, 'client_subject'));
  return {
    dataset: 'ssl',
    fields: {
      event: { category: ['network'], type: ['connection', 'protocol'] },
      network: { transport: 'tcp' },
      client: { address: str(zeekField(r, 'id.orig_h')) },
      server: { address: str(zeekField(r, 'id.resp_h')) },
      tls: {
        ...tlsVersion(str(r.version)),
        cipher: str(r.cipher),
        curve: str(r.curve),
        established: bool(r.established),
        resumed: bool(r.resumed),
        client: {
          server_name: str(r.server_name),
          ja3,
          issuer: clientIssuer,
          x509: { issuer: distinguishedName(clientIssuer), subject: distinguishedName(clientSubject) },
        },
        server: {
          issuer,
          subject,
          hash: { sha1 },
          ja3s,
          not_after: timeOf(take(rest, 'not_valid_after')),
          not_before: timeOf(take(rest, 'not_valid_before')),
          x509: { issuer: distinguishedName(issuer), subject: distinguishedName(subject) },
        },
      },
    },
    hashes: [ja3s, ja3].filter((h): h is string => h !== undefined),
  };
};

const files: LogMapper = (r, rest) => {
  const sessions = strings(take(rest, 'conn_uids'));
  if (sessions.length > 0) rest.session_ids = sessions;
  const tx = strings(take(rest, 'tx_hosts')).filter((ip) => ipOf(ip));
  const rx = strings(take(rest, 'rx_hosts')).filter((ip) => ipOf(ip));
  if (tx[0]) rest.tx_host = tx[0];
  if (rx[0]) rest.rx_host = rx[0];
  delete rest.x509;
  const hash = { md5: str(r.md5), sha1: str(r.sha1), sha256: str(r.sha256) };
  return {
    dataset: 'files',
    fields: {
      event: { category: ['file'], type: ['info'], id: sessions[0] },
      zeek: { session_id: sessions[0] },
      file: { name: str(take(rest, 'filename')), size: count(take(rest, 'total_bytes')), mime_type: str(r.mime_type), hash },
      server: { ip: tx[0] },
      client: { ip: rx[0] },
    },
    relatedIps: [...tx, ...rx],
    hashes: [hash.md5, hash.sha1, hash.sha256].filter((h): h is string => h !== undefined),
  };
};

const notice: LogMapper = (r, rest) => {
  const dropped = bool(r.dropped);
  const fallback = {
    source: zeekField(r, 'id.orig_h') === undefined ? str(take(rest, 'src')) : undefined,
    destination: zeekField(r, 'id.resp_h') === undefined ? str(take(rest, 'dst')) : undefined,
    port: zeekField(r, 'id.resp_p') === undefined ? count(take(rest, 'p')) : undefined,
  };
  if (rest.src === str(zeekField(r, 'id.orig_h'))) delete rest.src;
  if (rest.dst === str(zeekField(r, 'id.resp_h'))) delete rest.dst;
  rename(rest, 'conn', 'connnection_id');
  rename(rest, 'iconn', 'icmp_id');
  rename(rest, 'file_mime_type', 'file.mime_type');
  for (const k of ['action', 'remote_location']) delete rest[k];
  return {
    dataset: 'notice',
    fields: {
      event: {
        kind: 'alert',
        category: ['intrusion_detection'],
        type: ['info', dropped === undefined ? undefined : dropped ? 'denied' : 'allowed'],
      },
      rule: { name: str(r.note), description: str(r.msg) },
      file: { mime_type: str(r.file_mime_type) },
      source: { address: fallback.source, ip: ipOf(fallback.source) },
      destination: { address: fallback.destination, ip: ipOf(fallback.destination), port: fallback.port },
    },
  };
};

const ssh: LogMapper = (r, rest) => {
  rename(rest, 'auth_attempts', 'auth.attempts');
  rename(rest, 'auth_success', 'auth.success');
  rename(rest, 'cipher_alg', 'algorithm.cipher');
  rename(rest, 'mac_alg', 'algorithm.mac');
  rename(rest, 'compression_alg', 'algorithm.compression');
  rename(rest, 'kex_alg', 'algorithm.key_exchange');
  rename(rest, 'host_key_alg', 'algorithm.host_key');
  const success = bool(r.auth_success);
  return {
    dataset: 'ssh',
    fields: {
      event: {
        category: ['network'],
        type: ['connection', 'protocol'],
        outcome: success === undefined ? undefined : success ? 'success' : 'failure',
      },
      network: { transport: 'tcp', protocol: 'ssh' },
    },
  };
};

/** Signature algorithm names as Elastic's zeek.x509 pipeline shortens them. */
const SIG_ALGS: Readonly<Record<string, string>> = {
  md2WithRSAEncryption: 'MD2-RSA',
  md5WithRSAEncryption: 'MD5-RSA',
  'sha-1WithRSAEncryption': 'SHA1-RSA',
  sha1WithRSAEncryption: 'SHA1-RSA',
  sha256WithRSAEncryption: 'SHA256-RSA',
  sha384WithRSAEncryption: 'SHA384-RSA',
  sha512WithRSAEncryption: 'SHA512-RSA',
  dsaWithSha1: 'DSA-SHA1',
  dsaWithSha256: 'DSA-SHA256',
  'ecdsa-with-SHA1': 'ECDSA-SHA1',
  'ecdsa-with-SHA256': 'ECDSA-SHA256',
  'ecdsa-with-SHA384': 'ECDSA-SHA384',
  'ecdsa-with-SHA512': 'ECDSA-SHA512',
  'id-Ed25519': 'Ed25519',
};

const x509: LogMapper = (r, rest) => {
  const cert = (k: string) => zeekField(r, `certificate.${k}`);
  const sig = str(cert('sig_alg'));
  const names = ['dns', 'uri', 'email', 'ip', 'other_fields'].flatMap((k) => strings(zeekField(r, `san.${k}`)));
  const id = str(take(rest, 'id'));
  return {
    dataset: 'x509',
    fields: {
      event: { category: ['file'], type: ['info'], id },
      zeek: { session_id: id },
      file: {
        x509: {
          signature_algorithm: sig === undefined ? undefined : Object.hasOwn(SIG_ALGS, sig) ? SIG_ALGS[sig] : sig,
          public_key_algorithm: str(cert('key_alg')),
          public_key_size: count(cert('key_length')),
          public_key_exponent: count(cert('exponent')),
          serial_number: str(cert('serial')),
          version_number: str(cert('version')),
          alternative_names: names.length > 0 ? names : undefined,
          not_before: timeOf(cert('not_valid_before')),
          not_after: timeOf(cert('not_valid_after')),
          issuer: distinguishedName(cert('issuer')),
          subject: distinguishedName(cert('subject')),
        },
      },
    },
  };
};

/** The source port of a Zeek record (`id.orig_p` / `id.resp_p`). */
export function zeekPort(r: Json, side: 'orig' | 'resp'): unknown {
  return zeekField(r, `id.${side}_p`);
}

/** The mappers by Zeek log (`_path`). */
export const LOG_MAPPERS: Readonly<Record<string, LogMapper>> = { conn, dns, http, ssl, files, notice, ssh, x509 };
