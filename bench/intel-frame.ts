/**
 * bench/intel-frame: what threat-intelligence enrichment costs ingest's main thread per event,
 * before (the publisher wrapper parsing and serializing every event again) and after (the event
 * object enriched as the frame path builds it). Four figures per line, best of `--rounds` rounds
 * of `--events` events on this thread, in CPU time (the machine is shared):
 *
 *   frame path, no intel       parse, normalize, serialize: the floor
 *   before, inline             the same, then the wrapper re-parsing every event
 *   after, inline              the frame path enriching the event before it is serialized (and
 *                              the wrapper passing its record by)
 *   before / after, on workers what is left on the main thread when frame workers build the
 *                              events: the wrapper re-parsing each one, against passing it by
 *
 * Two lines: an RFC 5424 line holding no indicator (the common case), and a CEF line holding
 * four (source IP, destination IP in a listed network, domain, URL). The index holds
 * `--indicators` generated indicators besides those; the size of its copy in shared memory (what
 * frame workers read) and the CPU time to make it (once per refresh) are printed first.
 *
 *   node --import tsx bench/intel-frame.ts [--events 100000] [--rounds 3] [--indicators 100000]
 */
import { parseArgs } from 'node:util';
import type { OutRecord, Publisher } from '../core/bus/types.js';
import { frameIntel } from '../ingest/enrich/intel/frame.js';
import { intelStep } from '../ingest/enrich/intel/step.js';
import { enrichmentPublisher } from '../ingest/enrich/publisher.js';
import { ingestFrame, type FrameContext, type IngestFrame } from '../ingest/frame-to-record.js';
import { shareIndex } from '../intel/shared-index.js';
import { cpuPerEvent } from './cpu-per-event.js';
import { benchIntelStore } from './intel-indicators.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    indicators: { type: 'string', default: '100000' },
  },
});
const events = num(values, 'events');
const rounds = num(values, 'rounds');
const generated = num(values, 'indicators');

const store = benchIntelStore(generated);

// What frame workers are given: the index's own shared memory, nothing copied.
console.log(
  `${store.current.size.toLocaleString('en')} indicators: index in shared memory ${(store.current.bytes / 1024 / 1024).toFixed(1)} MB, posted to workers as it is (${shareIndex(store.current) === store.current.data ? 'no copy' : 'copied'})`,
);

const LINES = {
  'RFC 5424, no indicator':
    '<34>1 2026-12-07T11:00:00.000Z web-01 sshd 2211 ID47 - Failed password for root from 192.0.2.10 port 52144 ssh2',
  'CEF, 4 indicators':
    'CEF:0|Acme|NGFW|7.1|deny|Connection denied|7|src=203.0.113.9 dst=198.51.100.200 dhost=evil.example request=http://evil.example/x?y=1 act=deny',
};

const input = { id: 'bench', timezone: 'UTC', keepOriginal: true };
const receivedAt = new Date('2026-12-07T11:00:01.000Z');
const plain: FrameContext = { input, receivedAt };
const withIntel: FrameContext = { input, receivedAt, intel: frameIntel(store).store };
const sink: Publisher = { send: async () => undefined };
// The enrichment publisher with intelligence as its only step.
const wrapper = enrichmentPublisher(sink, 'events', [intelStep(store)]);
const BATCH = 500;

const measure = (variants: Record<string, (n: number) => void>) => cpuPerEvent(variants, { events, rounds });

/** The frame path in batches of BATCH, optionally followed by the wrapper over each batch's records. */
function framePath(frame: IngestFrame, ctx: FrameContext, throughWrapper: boolean) {
  return (n: number) => {
    for (let done = 0; done < n; done += BATCH) {
      const out: OutRecord[] = [];
      for (let i = 0; i < BATCH; i++) {
        const r = ingestFrame(frame, ctx);
        if (r.ok) out.push(r.record);
      }
      if (throughWrapper) void wrapper.send('events', out);
    }
  };
}

/** The wrapper alone over records a worker made (values as Buffers, as they come back from workers). */
function wrapperOnly(records: OutRecord[]) {
  return (n: number) => {
    for (let done = 0; done < n; done += BATCH) void wrapper.send('events', records);
  };
}

const us = (x: number) => `${x.toFixed(2)} µs`;
for (const [label, line] of Object.entries(LINES)) {
  const frame: IngestFrame = { raw: Buffer.from(line), peer: '192.0.2.1' };
  const fromWorker = (ctx: FrameContext) =>
    Array.from({ length: BATCH }, () => {
      const r = ingestFrame(frame, ctx);
      if (!r.ok) throw new Error(`the bench line does not parse: ${r.letter.reason}`);
      return { ...r.record, value: Buffer.from(r.record.value as string) };
    });
  const m = measure({
    floor: framePath(frame, plain, false),
    beforeInline: framePath(frame, plain, true),
    afterInline: framePath(frame, withIntel, true),
    beforeWorkers: wrapperOnly(fromWorker(plain)),
    afterWorkers: wrapperOnly(fromWorker(withIntel)),
  }) as Record<'floor' | 'beforeInline' | 'afterInline' | 'beforeWorkers' | 'afterWorkers', number>;
  const { floor, beforeInline, afterInline, beforeWorkers, afterWorkers } = m;
  console.log(`${label}:`);
  console.log(`  frame path, no intel:          ${us(floor)} CPU an event`);
  console.log(
    `  inline   before ${us(beforeInline)}   after ${us(afterInline)}   (intel adds ${us(beforeInline - floor)} → ${us(afterInline - floor)})`,
  );
  console.log(`  workers  before ${us(beforeWorkers)}   after ${us(afterWorkers)}   (main thread, the wrapper alone)`);
}
