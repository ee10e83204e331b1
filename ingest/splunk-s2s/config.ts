import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { SplunkS2sInputConfig, SplunkTlsConfig } from '../../core/config/types.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../net/index.js';

/** Defaults the config loader applies to a `type: splunk-s2s` input (the schema holds the descriptions). */
export const S2S_INPUT_DEFAULTS = {
  host: '127.0.0.1',
  maxMessageBytes: 4 * 1024 * 1024,
  keepOriginal: true,
  ...CONNECTION_LIMIT_DEFAULTS,
  // Forwarders keep their connection through quiet spells: S2S waits longer than the other inputs.
  idleTimeoutSeconds: 600,
} as const satisfies Partial<SplunkS2sInputConfig>;

export function withS2sDefaults(cfg: Pick<SplunkS2sInputConfig, 'id' | 'port'> & Partial<SplunkS2sInputConfig>): SplunkS2sInputConfig {
  return { type: 'splunk-s2s', ...S2S_INPUT_DEFAULTS, ...cfg };
}

/**
 * Node TLS server options from a Splunk listener's `tls` block (undefined when TLS is off): the
 * PEM files are read once, at start; a missing or unreadable file is a config error at its field.
 */
export function tlsServerOptions(tls: SplunkTlsConfig | undefined, path: string): TlsOptions | undefined {
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
