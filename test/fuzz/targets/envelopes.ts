import type { EcsEvent } from '../../../core/event/index.js';
import { firehoseBatch } from '../../../ingest/inputs/aws-firehose/envelope.js';
import { unwrapPush } from '../../../ingest/inputs/gcp-pubsub/envelope.js';
import { Batch, bytesResults } from '../../../ingest/normalize/cloud/index.js';
import { eventRecord, normalizeSplunk, type SplunkContext, type SplunkRecord } from '../../../ingest/normalize/splunk.js';
import { decodeEvents } from '../../../ingest/inputs/splunk-hec/decode.js';
import { HecError } from '../../../ingest/inputs/splunk-hec/errors.js';
import { S2sDecoder } from '../../../ingest/framing/s2s.js';
import { S2sAssembler } from '../../../ingest/parsers/s2s-records.js';
import { dead, deadLetter, INPUT_ID, NOW, PEER, type FuzzTarget, type Outcome } from '../target.js';

const splunkContext: SplunkContext = { inputId: INPUT_ID, peer: PEER, receivedAt: NOW, keepOriginal: true };

/** Splunk records → the events the HEC and S2S inputs publish. */
const splunkEvents = (records: readonly SplunkRecord[]): EcsEvent[] =>
  records.map((r) => JSON.parse(String(eventRecord(normalizeSplunk(r, splunkContext), PEER, NOW).value)) as EcsEvent);

const batchOutcome = (batch: Batch): Outcome => ({
  events: batch.events.map((r) => JSON.parse(String(r.value)) as EcsEvent),
  letters: batch.letters,
});

/** The pushed and posted envelopes of the HTTP and S2S inputs, decoded and normalized as their servers do. */
export const ENVELOPE_TARGETS: readonly FuzzTarget[] = [
  {
    // `/services/collector/event`: concatenated JSON objects → envelopes → events; a bad body is refused whole.
    name: 'hec',
    samples: 'hec',
    run: (raw) => {
      try {
        return {
          events: splunkEvents(
            decodeEvents(raw).map((env) => ({
              event: env.event,
              ...(env.time !== undefined ? { time: env.time } : {}),
              meta: env.meta,
              identity: env.text,
            })),
          ),
          letters: [],
        };
      } catch (err) {
        if (err instanceof HecError) return dead(deadLetter(raw, 'HEC_REJECTED', err.message));
        throw err;
      }
    },
  },
  {
    // A forwarder's TCP stream, cut into two chunks at a point that depends on the input, as sockets cut it.
    name: 's2s',
    samples: 's2s',
    mayYieldNothing: true,
    run: (raw) => {
      const decoder = new S2sDecoder({ maxMessageBytes: 1 << 20 });
      const assembler = new S2sAssembler(64 * 1024);
      const cut = raw.length === 0 ? 0 : (raw.length * 7919) % raw.length;
      const records: SplunkRecord[] = [];
      const out: Outcome = { events: [], letters: [] };
      for (const chunk of [raw.subarray(0, cut), raw.subarray(cut)]) {
        for (const d of decoder.push(chunk)) {
          if (d.kind === 'error') out.letters.push(deadLetter(d.error.raw.length > 0 ? d.error.raw : raw, 'S2S_PROTOCOL', d.error.message));
          else if (d.kind === 'message' && !d.message.pairs.every((p) => p.key.startsWith('__s2s_')))
            records.push(...assembler.push(d.message));
        }
      }
      const rest = decoder.remainder();
      if (rest.length > 0) out.letters.push(deadLetter(rest, 'S2S_PROTOCOL', `stream ended inside a message (${rest.length} bytes)`));
      records.push(...assembler.end());
      out.events = splunkEvents(records);
      return out;
    },
  },
  {
    name: 'firehose',
    samples: 'firehose',
    run: (raw) =>
      batchOutcome(
        firehoseBatch(raw, {
          inputId: INPUT_ID,
          peer: PEER,
          receivedAt: NOW,
          keepOriginal: true,
          maxRecordBytes: 1 << 20,
          commonAttributes: {},
        }),
      ),
  },
  {
    name: 'pubsub',
    samples: 'pubsub',
    run: (raw) => {
      const batch = new Batch(INPUT_ID, PEER);
      const msg = unwrapPush(raw, {});
      if ('error' in msg) batch.fail('DECODE_PAYLOAD', msg.error, raw);
      else batch.add(bytesResults(msg.data, { inputId: INPUT_ID, receivedAt: NOW, keepOriginal: true, peer: PEER }, 'gcp.pubsub'));
      return batchOutcome(batch);
    },
  },
];
