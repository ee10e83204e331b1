import { parseTimestamp } from '../../parsers/datetime.js';
import { isoString } from '../../parsers/iso.js';
import { at, common, HEADER, merge, verdict } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count } from './util.js';

/**
 * DECRYPTION log columns (0-based) past the session columns it shares with TRAFFIC (7–30), as
 * PAN-OS 10.1–11.x's "Decryption Log Fields" order them and Elastic's panw decryption pipeline
 * reads them.
 */
const D = {
  action: 30,
  tunnelType: 31,
  ruleUuid: 36,
  stageC2f: 37,
  stageF2s: 38,
  tlsVersion: 39,
  keyExchange: 40,
  encryption: 41,
  hashAlgorithm: 42,
  policy: 43,
  curve: 44,
  errorType: 45,
  rootStatus: 46,
  chainStatus: 47,
  proxyType: 48,
  certSerial: 49,
  fingerprint: 50,
  notBefore: 51,
  notAfter: 52,
  certVersion: 53,
  keySize: 54,
  subjectCn: 60,
  issuerCn: 61,
  rootCn: 62,
  sni: 63,
  error: 64,
  highRes: 72,
  seqno: 89,
  deviceName: 96,
} as const;

const HASH_BY_LENGTH: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** `TLS1.2` → protocol `tls`, version `1.2`. */
function tlsVersion(v: string | undefined): { version_protocol?: string; version?: string } {
  const m = v === undefined ? null : /^([A-Za-z]+)v?(\d+(?:\.\d+)?)$/.exec(v);
  return m ? { version_protocol: m[1]!.toLowerCase(), version: m[2] } : {};
}

function time(v: string | undefined, ctx: VendorContext): string | undefined {
  const t = v === undefined ? undefined : parseTimestamp(v, ctx.time);
  return t === undefined ? undefined : isoString(t);
}

/**
 * A TLS session the firewall decrypted (or failed to): the session's endpoints, the handshake and
 * the server certificate it saw. `session` holds the columns shared with TRAFFIC, read as for it.
 */
export function panosDecryption(f: readonly string[], ctx: VendorContext, session: VendorFields): VendorFields {
  const error = at(f, D.error);
  const fingerprint = at(f, D.fingerprint);
  const hashKind = fingerprint !== undefined ? HASH_BY_LENGTH[fingerprint.length] : undefined;
  const subject = at(f, D.subjectCn);
  const issuer = at(f, D.issuerCn);
  const type = verdict(at(f, D.action) ?? '');
  return merge(
    common(f, ctx, D.deviceName, D.highRes),
    session,
    compact({
      event: {
        category: ['network'],
        type: type.length > 0 ? type : ['info'],
        // The error column says whether the handshake failed; a line cut before it says neither.
        outcome: error !== undefined ? 'failure' : f.length > D.error ? 'success' : undefined,
        sequence: count(at(f, D.seqno)),
      },
      error: { message: error },
      rule: { uuid: at(f, D.ruleUuid) },
      tls: {
        ...tlsVersion(at(f, D.tlsVersion)),
        cipher: at(f, D.encryption),
        curve: at(f, D.curve),
        client: {
          server_name: at(f, D.sni),
          not_before: time(at(f, D.notBefore), ctx),
          not_after: time(at(f, D.notAfter), ctx),
          hash: hashKind && fingerprint ? { [hashKind]: fingerprint } : undefined,
          x509: {
            serial_number: at(f, D.certSerial),
            version_number: at(f, D.certVersion),
            public_key_size: count(at(f, D.keySize)),
            subject: subject ? { common_name: [subject] } : undefined,
            issuer: issuer ? { common_name: [issuer] } : undefined,
          },
        },
      },
      related: hashKind && fingerprint ? { hash: [fingerprint] } : undefined,
      labels: {
        log_type: 'DECRYPTION',
        log_subtype: at(f, HEADER.subtype),
        tunnel_type: at(f, D.tunnelType),
        policy: at(f, D.policy),
        handshake_stage_client: at(f, D.stageC2f),
        handshake_stage_server: at(f, D.stageF2s),
        key_exchange: at(f, D.keyExchange),
        hash_algorithm: at(f, D.hashAlgorithm),
        error_type: at(f, D.errorType),
        root_certificate_status: at(f, D.rootStatus),
        chain_status: at(f, D.chainStatus),
        proxy_type: at(f, D.proxyType),
        root_common_name: at(f, D.rootCn),
      },
    }) as VendorFields,
  );
}
