import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../core/event/index.js';
import { INPUTS, startInput } from '../index.js';
import { withSyslogDefaults } from './syslog/index.js';
import { withS2sDefaults } from './splunk-s2s/index.js';
import { MemoryPublisher } from '../../test/support/memory-publisher.js';

describe('input registry', () => {
  it('gives every input type its schema, keyed by the YAML type', () => {
    for (const [type, { schema }] of Object.entries(INPUTS)) expect({ type, kind: schema.kind }).toEqual({ type, kind: 'object' });
  });

  it('starts a syslog input wired to its pipeline', async () => {
    const publisher = new MemoryPublisher();
    const input = await startInput(withSyslogDefaults({ id: 'registry-udp', protocol: 'udp', port: 0, auth: 'none' }), {
      publisher,
      eventsTopic: 'e',
      deadletterTopic: 'd',
    });
    try {
      const sock = createSocket('udp4');
      await new Promise<void>((resolve, reject) =>
        sock.send('<13>Nov 20 09:14:03 h app: via registry', input.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
      sock.close();
      await publisher.waitFor(() => publisher.acked.length === 1);
      expect(publisher.values<EcsEvent>('e')[0]?.vigil?.input).toBe('registry-udp');
    } finally {
      await input.close();
    }
  });

  it.each([
    ['syslog over udp', withSyslogDefaults({ id: 'open-udp', protocol: 'udp', port: 0 })],
    ['syslog over tcp', withSyslogDefaults({ id: 'open-tcp', protocol: 'tcp', port: 0 })],
    ['splunk-s2s in clear text', withS2sDefaults({ id: 'open-s2s', port: 0 })],
  ])('refuses to start %s that authenticates nobody and does not say auth: none', async (_what, cfg) => {
    const deps = { publisher: new MemoryPublisher(), eventsTopic: 'e', deadletterTopic: 'd' };
    await expect(startInput(cfg, deps)).rejects.toMatchObject({ code: 'CONFIG_INSECURE', location: { path: `inputs.${cfg.id}.auth` } });
  });
});
