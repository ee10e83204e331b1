import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { SyslogInputConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';

/**
 * Node TLS server options for a `protocol: tls` syslog input (RFC 5425). The PEM files are read
 * once, at start: a missing or unreadable file stops the input with its path. Client
 * certificates are asked for only with `requestCert`; `rejectUnauthorized` then decides whether
 * a client without a valid one (chaining to `caFile`) is refused during the handshake.
 */
export function tlsServerOptions(cfg: SyslogInputConfig): TlsOptions {
  const tls = cfg.tls;
  if (!tls)
    throw new VigilError('CONFIG_REQUIRED', 'protocol tls needs tls.certFile and tls.keyFile', {
      location: { path: `inputs.${cfg.id}.tls` },
    });
  const read = (file: string, field: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new VigilError('CONFIG_READ', `cannot read tls.${field} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        cause: err,
        location: { path: `inputs.${cfg.id}.tls.${field}` },
      });
    }
  };
  const options: TlsOptions = {
    cert: read(tls.certFile, 'certFile'),
    key: read(tls.keyFile, 'keyFile'),
    requestCert: tls.requestCert === true,
    rejectUnauthorized: tls.requestCert === true && tls.rejectUnauthorized !== false,
    handshakeTimeout: tls.handshakeTimeoutMs ?? 10_000,
    // RFC 5425 §4.2 requires TLS 1.2 support; nothing older is acceptable today.
    minVersion: 'TLSv1.2',
  };
  if (tls.caFile) options.ca = read(tls.caFile, 'caFile');
  return options;
}
