import type { TlsOptions } from 'node:tls';
import type { SyslogInputConfig } from './config.js';
import { VigilError } from '../../../core/errors/index.js';
import { listenerTlsOptions } from '../../net/index.js';

/** Node TLS server options for a `protocol: tls` syslog input (RFC 5425), read once at start. */
export function tlsServerOptions(cfg: SyslogInputConfig): TlsOptions {
  if (!cfg.tls) {
    throw new VigilError('CONFIG_REQUIRED', 'protocol tls needs tls.certFile and tls.keyFile', {
      location: { path: `inputs.${cfg.id}.tls` },
    });
  }
  return listenerTlsOptions(cfg.tls, `inputs.${cfg.id}.tls`);
}
