import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../core/event/index.js';
import { INPUTS, startInput } from './index.js';
import { withSyslogDefaults } from './syslog/index.js';
import { INPUT_TYPES } from '../core/config/index.js';
import { MemoryPublisher } from './testing/memory-publisher.js';

describe('input registry', () => {
  it('is keyed by the YAML type', () => {
    // The registry and the config schema name the same input types.
    expect(Object.keys(INPUTS).sort()).toEqual(Object.keys(INPUT_TYPES).sort());
  });

  it('starts a syslog input wired to its pipeline', async () => {
    const publisher = new MemoryPublisher();
    const input = await startInput(withSyslogDefaults({ id: 'registry-udp', protocol: 'udp', port: 0 }), {
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
});
