import { readFileSync } from 'node:fs';
import { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../config/schema.js';
import { errorMessage } from '../../core/errors/index.js';
import { parseSyslog } from '../../ingest/index.js';
import { sendTcp, sendUdp } from '../../ingest/inputs/syslog/sender.js';
import { deleteIndicesMatching, esClient } from '../../sinks/elasticsearch/index.js';
import { parseArgs } from '../args.js';
import { localConfig } from '../local-config.js';
import { expectedAlerts, expectFromSample } from '../demo/expect.js';
import { startReceiver } from '../demo/receiver.js';
import { acknowledgeInKibana } from '../demo/triage.js';
import { printSummary, waitUntil } from '../demo/report.js';
import { startStages } from '../stages.js';
import { down, up, type ServiceName } from '../services/index.js';

const SAMPLE = 'rules/samples/linux-attack.log';

/** Fresh topics and queue keys per run: deterministic ids would otherwise make a second run a no-op. */
function demoConfig(stamp: string, webhookUrl: string): VigilConfig {
  return localConfig({
    topicPrefix: `demo-${stamp}.`,
    namePrefix: `vigil-demo-${stamp}`,
    indexPrefix: 'vigil-demo',
    secrets: { SOC_WEBHOOK_URL: `${webhookUrl}/hooks/soc` },
    // The demo's webhook receiver listens on loopback, which a playbook reaches only when allowed.
    allowHosts: ['127.0.0.1'],
  });
}

function runsByTransport(lines: string[]): Array<{ udp: boolean; lines: string[] }> {
  const runs: Array<{ udp: boolean; lines: string[] }> = [];
  for (const line of lines) {
    const udp = line.includes(' sshd[');
    const last = runs.at(-1);
    if (last && last.udp === udp) last.lines.push(line);
    else runs.push({ udp, lines: [line] });
  }
  return runs;
}

async function removeOldDemoTopics(config: VigilConfig): Promise<void> {
  const bus = new Bus(config.kafka, 'demo-cleanup');
  const old = (await bus.listTopics()).filter((t) => t.startsWith('demo-') && !t.startsWith(config.kafka.topicPrefix));
  if (old.length) await bus.deleteTopics(old).catch(() => undefined);
}

/**
 * `vigil demo [--keep] [--timeout 120]`: starts the local services (installing what is missing),
 * runs every stage, replays the bundled attack over real UDP and TCP syslog, and exits 0 only
 * when the expected incidents reached Elasticsearch and the playbook's webhook call arrived.
 */
export async function run(argv: string[]): Promise<number> {
  const { flags, switches } = parseArgs(argv, { flags: ['timeout'] as const, switches: ['keep'] as const });
  const timeoutMs = Number(flags.timeout ?? 120) * 1000;
  const say = (s: string) => console.log(`\x1b[1m▸\x1b[0m ${s}`);

  say('starting Kafka, Redis and Elasticsearch (installing what is missing)…');
  const started = await up();
  for (const s of started) say(`  ${s.service.padEnd(13)} ${s.action} on 127.0.0.1:${s.port} (${(s.ms / 1000).toFixed(1)} s)`);
  const startedHere = started.filter((s) => s.action === 'started').map((s) => s.service as ServiceName);

  const receiver = await startReceiver();
  const stamp = Date.now().toString(36);
  const config = demoConfig(stamp, receiver.url);
  const es = esClient(config.elasticsearch);
  let ok = false;
  try {
    await deleteIndicesMatching(es, 'vigil-demo-*');
    await removeOldDemoTopics(config);

    const lines = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const expected = expectFromSample(lines, config.detections.rules, config.detections.incidents);
    say(
      `sample ${SAMPLE}: ${lines.length} lines; expecting ${expected.events} events, ${expected.deadLetters} dead letters, ${expectedAlerts(expected)} alerts in ${expected.incidents} incidents`,
    );

    say('starting the pipeline: ingest → detect → respond → sink');
    const pipeline = await startStages(config);
    try {
      // The brute force arrives over UDP, the rest over TCP with octet-counting framing. The
      // sample is one story in event time and correlation windows follow each partition's event
      // time, so it is sent in file order: each run of lines for one transport reaches Kafka
      // before the next run is sent (otherwise the later half would overtake the earlier one).
      const udp = lines.filter((l) => l.includes(' sshd['));
      const tcp = lines.filter((l) => !l.includes(' sshd['));
      let parsed = 0;
      for (const run of runsByTransport(lines)) {
        if (run.udp) await sendUdp('127.0.0.1', pipeline.ports['syslog-udp'] as number, run.lines);
        else await sendTcp('127.0.0.1', pipeline.ports['syslog-tcp'] as number, run.lines, 'octet-counting');
        parsed += run.lines.filter((l) => parseSyslog(l, { now: new Date() }).ok).length;
        const deadline = Date.now() + 30_000;
        while ((await pipeline.bus.countRecords(pipeline.bus.topics.events)) < parsed && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      say(`sent ${udp.length} lines over UDP and ${tcp.length} over TCP; waiting for Elasticsearch and the webhook…`);
      ok = await waitUntil({ es, config, expected, receiver, timeoutMs });
      if (ok) {
        say('an analyst acknowledges the incident in Kibana (an update of incident.status in Elasticsearch)…');
        const acked = await acknowledgeInKibana(es, `${config.elasticsearch.indexPrefix}-incidents`, 60_000);
        ok = acked.length === expected.incidents;
        say(
          `${acked.length} of ${expected.incidents} acknowledgements taken in by the incident builder (status on vigil.incidents and in the index)`,
        );
      }
      await printSummary({ es, bus: pipeline.bus, config, expected, receiver });
    } finally {
      await pipeline.close();
    }
  } catch (err) {
    console.error(`demo failed: ${errorMessage(err)}`);
    ok = false;
  } finally {
    await receiver.close();
    await es.close();
    if (switches.keep) {
      say(`kept running: indices vigil-demo-*, topics demo-${stamp}.vigil.*`);
    } else if (startedHere.length > 0) {
      say(`stopping what the demo started: ${startedHere.join(', ')} (--keep leaves them running)`);
      await down({ only: startedHere });
    }
  }
  console.log(
    ok
      ? "\n\x1b[32mdemo passed\x1b[0m: the incidents reached Elasticsearch, the playbook called the webhook, and the analyst's acknowledgement flowed back"
      : '\n\x1b[31mdemo failed\x1b[0m',
  );
  return ok ? 0 : 1;
}
