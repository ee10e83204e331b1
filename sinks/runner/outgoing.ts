import type { InRecord } from '../../core/bus/index.js';
import type { Outgoing, SinkTopic } from './types.js';

/** An Outgoing whose JSON is made once, when first read (by the sink, or by the route's byte count). */
export class OutgoingRecord implements Outgoing {
  private text: string | undefined;

  constructor(
    readonly topic: SinkTopic,
    readonly doc: Readonly<Record<string, unknown>>,
    readonly route: string,
    readonly source: InRecord,
    /** Set when the document is the record as read (no transform): its bytes are the JSON. */
    private readonly untouched = false,
    json?: string,
  ) {
    this.text = json;
  }

  get json(): string {
    this.text ??= this.untouched ? this.source.value.toString('utf8') : JSON.stringify(this.doc);
    return this.text;
  }

  /** UTF-8 length of `json`, without serializing a record that was not changed. */
  get bytes(): number {
    return this.untouched ? this.source.value.length : Buffer.byteLength(this.json);
  }
}
