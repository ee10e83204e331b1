import type { SyslogInputConfig } from './config.js';
import { VigilError } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import type { FramePublisher } from '../../frame-publisher.js';
import { validateSyslogInput } from './config.js';
import { startTcp } from './tcp.js';
import { tlsServerOptions } from './tls.js';
import { SERVER_DEFAULTS, type RunningListener, type SyslogServerOptions } from './types.js';
import { startUdp } from './udp.js';

export type SyslogInput = RunningListener;

/**
 * Listens for syslog on UDP, TCP or TLS (`cfg.protocol`) and hands frames to `pipeline`. The socket
 * layer only: framing, parsing and publishing live in their own modules. Port 0 binds an
 * ephemeral port, reported in `port`. Rejects with a VigilError on invalid config.
 */
export async function startSyslogInput(
  cfg: SyslogInputConfig,
  pipeline: FramePublisher,
  options: SyslogServerOptions = {},
): Promise<SyslogInput> {
  const problems = validateSyslogInput(cfg, `inputs.${cfg.id}`);
  const [first] = problems;
  if (first) {
    await pipeline.close();
    throw new VigilError(first.code, problems.map((p) => p.describe()).join('; '), { location: first.location ?? {} });
  }
  const opts = { ...SERVER_DEFAULTS, ...options };
  const log = logger(cfg.id, { kind: 'input', protocol: cfg.protocol });
  const listener =
    cfg.protocol === 'udp'
      ? await startUdp(cfg, pipeline, opts, log)
      : await startTcp(cfg, pipeline, opts, log, cfg.protocol === 'tls' ? tlsServerOptions(cfg) : undefined);
  const labels = { kind: 'input', id: cfg.id } as const;
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port: listener.port }, 'syslog input listening');
  let closed: Promise<void> | undefined;
  return {
    port: listener.port,
    connections: () => listener.connections(),
    close() {
      closed ??= listener.close().then(async () => {
        await pipeline.close();
        metrics.up.set(labels, 0);
        log.info('syslog input closed');
      });
      return closed;
    },
  };
}
