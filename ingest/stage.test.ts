import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { topicsFor, type Bus } from '../core/bus/index.js';
import { startIngestStage } from './stage.js';
import { withSyslogDefaults } from './inputs/syslog/index.js';
import { MemoryPublisher } from '../test/support/memory-publisher.js';

describe('startIngestStage', () => {
  it('starts every input, reports ports by input id, and publishes to the bus topics', async () => {
    const publisher = new MemoryPublisher();
    const bus = { producer: async () => publisher, topics: topicsFor('t.') } as unknown as Bus;
    const stage = await startIngestStage({
      config: {
        inputs: [
          withSyslogDefaults({ id: 'stage-udp', protocol: 'udp', port: 0, auth: 'none' }),
          withSyslogDefaults({ id: 'stage-tcp', protocol: 'tcp', port: 0, auth: 'none' }),
        ],
      },
      bus,
    });
    try {
      expect(stage.name).toBe('ingest');
      expect(Object.keys(stage.ports ?? {})).toEqual(['stage-udp', 'stage-tcp']);
      const sock = createSocket('udp4');
      await new Promise<void>((resolve, reject) =>
        sock.send('garbage', stage.ports?.['stage-udp'] as number, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      sock.close();
      await publisher.waitFor(() => publisher.acked.length === 1);
      expect(publisher.acked[0]?.topic).toBe('t.vigil.deadletter');
    } finally {
      await stage.close();
    }
  });

  it('closes what it started when an input fails to start', async () => {
    const publisher = new MemoryPublisher();
    const bus = { producer: async () => publisher, topics: topicsFor('') } as unknown as Bus;
    const first = withSyslogDefaults({ id: 'ok', protocol: 'tcp', port: 0, auth: 'none' });
    await expect(
      startIngestStage({ config: { inputs: [first, withSyslogDefaults({ id: 'bad', protocol: 'tcp', port: -1, auth: 'none' })] }, bus }),
    ).rejects.toThrow(/port must be/);
  });
});
