/**
 * bench/user-agent: the cost of parsing `user_agent.*` (`ingest/normalize/user-agent.ts`, ua-parser
 * regexes on RE2 behind literal prefilters): CPU µs per call for a user agent already in the LRU
 * (the common case: user agents repeat), for one never seen (a made-unique browser, CLI or bot user
 * agent: the prefilters, then RE2 on the candidates), and for a hostile one at the length cap that
 * holds many of the regexes' literals.
 *
 *   node --import tsx bench/user-agent.ts [--n 2000]
 */
import { parseArgs } from 'node:util';
import { MAX_PARSED, userAgent } from '../ingest/normalize/user-agent.js';
import { num } from './args.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' } } });
const n = num(values, 'n');

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'aws-cli/2.13.0 Python/3.11.4 Linux/5.15.0-1040-aws exe/x86_64.ubuntu.22 prompt/off command/s3.ls',
  'google-cloud-sdk gcloud/455.0.0 command/gcloud.compute.instances.list invocation-id/5a1b',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
  'curl/8.4.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

function perCall(label: string, calls: number, f: (i: number) => unknown): number {
  const t = process.cpuUsage();
  for (let i = 0; i < calls; i++) f(i);
  const used = process.cpuUsage(t);
  const us = (used.user + used.system) / calls;
  console.log(`${label.padEnd(52)} ${us.toFixed(1).padStart(9)} µs`);
  return us;
}

// Warm-up: loading uap-core's regexes.yaml and compiling the regexes these agents reach.
const t0 = process.cpuUsage();
for (const a of AGENTS) userAgent(`${a} warm`);
const warm = process.cpuUsage(t0);
console.log(`${'first calls (load + compile), total'.padEnd(52)} ${((warm.user + warm.system) / 1000).toFixed(0).padStart(9)} ms`);

perCall('cached user agent', n * 100, (i) => userAgent(AGENTS[i % AGENTS.length]));
perCall('unseen user agent (cache miss)', n, (i) => userAgent(`${AGENTS[i % AGENTS.length] as string} id/${i}`));

// Every distinct literal of the regexes a hostile sender could pack into one user agent, up to the cap.
const hostile =
  'Mozilla/5.0 (Linux; Android 9; Build/) Version/1.0 Chrome/1.0 Mobile Safari/1.0 bot spider crawl Firefox/1 Opera/1 MSIE 1.0; ';
perCall(`hostile user agent, ${MAX_PARSED} characters, unseen`, Math.max(20, n / 50), (i) =>
  userAgent(`${hostile.repeat(Math.ceil(MAX_PARSED / hostile.length))}${i}`.slice(-MAX_PARSED - 8)),
);
