import { describe, expect, it } from 'vitest';
import { schema, SYSLOG_INPUT_DEFAULTS, validateSyslogInput, withSyslogDefaults, type SyslogInputConfig } from './config.js';

const base = withSyslogDefaults({ id: 'syslog-a', protocol: 'udp', port: 514 });
const tlsFiles = { certFile: 'c.pem', keyFile: 'k.pem', requestCert: false, rejectUnauthorized: true, handshakeTimeoutMs: 10_000 };

describe('syslog input config', () => {
  it('applies the documented defaults', () => {
    expect(base).toEqual({
      id: 'syslog-a',
      type: 'syslog',
      protocol: 'udp',
      port: 514,
      host: '127.0.0.1',
      maxMessageBytes: 65536,
      timezone: 'UTC',
      keepOriginal: true,
      parseWorkers: 1,
      maxConnections: 1024,
      maxConnectionsPerPeer: 64,
      idleTimeoutSeconds: 300,
    });
    expect(validateSyslogInput(base)).toEqual([]);
    expect(SYSLOG_INPUT_DEFAULTS.maxMessageBytes).toBe(65536);
  });

  it('applies the defaults its schema documents', () => {
    for (const [field, value] of Object.entries(SYSLOG_INPUT_DEFAULTS)) {
      expect({ field, default: (schema.fields as Record<string, { default?: unknown }>)[field]?.default }).toEqual({
        field,
        default: value,
      });
    }
  });

  it.each<[string, Partial<SyslogInputConfig>, string, string]>([
    ['protocol', { protocol: 'sctp' as 'udp' }, 'CONFIG_ENUM', 'inputs[0].protocol'],
    ['port above 65535', { port: 65536 }, 'CONFIG_RANGE', 'inputs[0].port'],
    ['port not an integer', { port: 51.4 }, 'CONFIG_RANGE', 'inputs[0].port'],
    ['maxMessageBytes below 480 (RFC 5426)', { maxMessageBytes: 100 }, 'CONFIG_RANGE', 'inputs[0].maxMessageBytes'],
    ['parseWorkers above 16', { parseWorkers: 17 }, 'CONFIG_RANGE', 'inputs[0].parseWorkers'],
    ['parseWorkers negative', { parseWorkers: -1 }, 'CONFIG_RANGE', 'inputs[0].parseWorkers'],
    ['maxMessageBytes above 64 KiB on UDP', { maxMessageBytes: 100_000 }, 'CONFIG_RANGE', 'inputs[0].maxMessageBytes'],
    ['timezone', { timezone: 'Mars/Olympus' }, 'CONFIG_ENUM', 'inputs[0].timezone'],
    [
      'a per-peer cap above the global one',
      { protocol: 'tcp', maxConnections: 10, maxConnectionsPerPeer: 11 },
      'CONFIG_RANGE',
      'inputs[0].maxConnectionsPerPeer',
    ],
    ['maxConnections of 0', { protocol: 'tls', tls: tlsFiles, maxConnections: 0 }, 'CONFIG_RANGE', 'inputs[0].maxConnections'],
    ['a negative idle timeout', { protocol: 'tcp', idleTimeoutSeconds: -1 }, 'CONFIG_RANGE', 'inputs[0].idleTimeoutSeconds'],
  ])('reports %s', (_name, over, code, path) => {
    const errors = validateSyslogInput({ ...base, ...over }, 'inputs[0]');
    expect(errors.map((e) => [e.code, e.location?.path])).toEqual([[code, path]]);
  });

  it('allows large messages on TCP', () => {
    expect(validateSyslogInput({ ...base, protocol: 'tcp', maxMessageBytes: 1_000_000 })).toEqual([]);
  });

  it('collects every problem at once', () => {
    const errors = validateSyslogInput({ ...base, port: -1, maxMessageBytes: 0, timezone: 'nowhere' });
    expect(errors.map((e) => e.code)).toEqual(['CONFIG_RANGE', 'CONFIG_RANGE', 'CONFIG_ENUM']);
  });
});
