import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyslogInputConfig } from './config.js';
import { registry } from '../../../core/telemetry/index.js';
import { metricValue, udpBurstWhileBlocked } from '../../../test/support/udp-burst.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../../net/index.js';
import { createFramePublisher } from '../../frame-publisher.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { startSyslogInput, type SyslogInput } from './server.js';

const open: SyslogInput[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const socketDrops = (input: string) => metricValue(registry.getSingleMetric('vigil_udp_socket_drops'), { input });

describe.skipIf(!existsSync('/proc/net/udp'))('syslog over UDP: kernel drops (Linux)', () => {
  it('exports the drops of its socket as vigil_udp_socket_drops{input}, from bind to close', async () => {
    const cfg: SyslogInputConfig = {
      id: 'udp-kernel-drops',
      type: 'syslog',
      parseWorkers: 0,
      protocol: 'udp',
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 65536,
      timezone: 'UTC',
      keepOriginal: true,
      ...CONNECTION_LIMIT_DEFAULTS,
    };
    const publisher = new MemoryPublisher();
    const pipeline = createFramePublisher({ input: cfg, publisher, eventsTopic: 'test.events', deadletterTopic: 'test.dlq' });
    // A tiny receive buffer, so that a burst the process does not read overflows it.
    const server = await startSyslogInput(cfg, pipeline, { udpReceiveBufferBytes: 4096 });
    open.push(server);
    expect(await socketDrops(cfg.id)).toBe(0);

    udpBurstWhileBlocked(server.port, 200);
    expect(await socketDrops(cfg.id)).toBeGreaterThan(100);

    await open.splice(0)[0]?.close();
    expect(await socketDrops(cfg.id)).toBeUndefined();
  });
});
