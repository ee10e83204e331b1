import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { SplunkTlsConfig, ListenerTlsConfig } from './schema.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';

/**
 * Node TLS server options from a listener's `tls` block (certFile, keyFile, caFile, requestCert,
 * rejectUnauthorized, handshakeTimeoutMs), located at `path` (`inputs.<id>.tls`). The PEM files
 * are read once, at start: a missing or unreadable file stops the input with its field. Client
 * certificates are asked for only with `requestCert`; `rejectUnauthorized` then decides whether a
 * client without a valid one (chaining to `caFile`) is refused during the handshake.
 */
export function listenerTlsOptions(tls: ListenerTlsConfig, path: string): TlsOptions {
  const read = (file: string, field: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new VigilError('CONFIG_READ', `cannot read tls.${field} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        cause: err,
        location: { path: `${path}.${field}` },
      });
    }
  };
  const options: TlsOptions = {
    cert: read(tls.certFile, 'certFile'),
    key: read(tls.keyFile, 'keyFile'),
    requestCert: tls.requestCert === true,
    rejectUnauthorized: tls.requestCert === true && tls.rejectUnauthorized !== false,
    handshakeTimeout: tls.handshakeTimeoutMs ?? 10_000,
    // Nothing older than TLS 1.2 is acceptable today (RFC 8996 deprecates 1.0 and 1.1).
    minVersion: 'TLSv1.2',
  };
  if (tls.caFile) options.ca = read(tls.caFile, 'caFile');
  return options;
}

/**
 * Node TLS server options from a Splunk listener's `tls` block (undefined when TLS is off): the
 * PEM files are read once, at start; a missing or unreadable file is a config error at its field.
 */
export function splunkListenerTlsOptions(tls: SplunkTlsConfig | undefined, path: string): TlsOptions | undefined {
  if (!tls?.enabled) return undefined;
  const read = (field: 'certFile' | 'keyFile' | 'caFile', file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new VigilError('CONFIG_READ', `cannot read ${field} ${file}: ${errorMessage(err)}`, {
        cause: err,
        location: { path: `${path}.tls.${field}` },
      });
    }
  };
  for (const field of ['certFile', 'keyFile'] as const) {
    if (!tls[field]) {
      throw new VigilError('CONFIG_REQUIRED', `tls.enabled needs ${field}`, { location: { path: `${path}.tls.${field}` } });
    }
  }
  if (tls.requireClientCert && !tls.caFile) {
    throw new VigilError('CONFIG_REQUIRED', 'requireClientCert needs caFile to check client certificates against', {
      location: { path: `${path}.tls.caFile` },
    });
  }
  return {
    cert: read('certFile', tls.certFile as string),
    key: read('keyFile', tls.keyFile as string),
    ...(tls.caFile ? { ca: read('caFile', tls.caFile) } : {}),
    requestCert: tls.requireClientCert,
    rejectUnauthorized: tls.requireClientCert,
  };
}
