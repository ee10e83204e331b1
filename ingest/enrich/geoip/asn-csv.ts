/**
 * ip-location-db's ASN CSV (`ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization`,
 * inclusive ranges, sorted, not overlapping) as a table searched by bisection. IPv4 ranges are
 * 32-bit numbers; IPv6 ranges four 32-bit words each, compared word by word with the address's
 * 16-bit words read in pairs, so no lookup allocates. Organisation names are interned: a few
 * tens of thousands of names cover 500k ranges.
 */
import { parseIPv4, parseIPv6, type IpAddress } from '../../../core/net/ip.js';

export interface AsnRecord {
  number: number;
  organization: string;
}

export interface AsnTable {
  lookup(a: IpAddress): AsnRecord | undefined;
  readonly size: number;
  /** The table as plain data, to rebuild it with `asnTable` (on another thread). */
  readonly data: AsnTableData;
}

/** Ranges (IPv4: start and end; IPv6: four words each) and each range's index into `records`. */
export interface AsnTableData {
  v4: Uint32Array;
  v4Rec: Uint32Array;
  v6: Uint32Array;
  v6Rec: Uint32Array;
  records: AsnRecord[];
}

/** Reads the CSV text; throws with the 1-based line of the first row it cannot read. */
export function parseAsnCsv(text: string): AsnTable {
  const v4 = new Growable(2);
  const v6 = new Growable(8);
  const records: AsnRecord[] = [];
  const interned = new Map<string, number>();
  const range: number[] = new Array<number>(8);
  const row = new RowReader(text);
  while (row.next()) {
    const from = row.field();
    const to = row.field();
    const asn = row.field();
    const org = row.field();
    const number = Number(asn);
    if (!row.atEnd() || !/^\d+$/.test(asn) || number > 0xffffffff) {
      throw new Error(`line ${row.line}: expected start,end,asn,organization`);
    }
    const key = `${number} ${org}`;
    let rec = interned.get(key);
    if (rec === undefined) {
      // A copy: a slice of the CSV text would keep the whole text (tens of MB) alive.
      rec = records.push({ number, organization: Buffer.from(org, 'utf8').toString('utf8') }) - 1;
      interned.set(key, rec);
    }
    const a = parseIPv4(from);
    const b = parseIPv4(to);
    if (a >= 0 && b >= 0) v4.push([a, b], rec);
    else if (a < 0 && v6Bound(from, range, 0) && v6Bound(to, range, 4)) v6.push(range, rec);
    else throw new Error(`line ${row.line}: '${from}'-'${to}' is not an IPv4 or IPv6 range`);
  }
  return asnTable({ v4: v4.keys(), v4Rec: v4.recs(), v6: v6.keys(), v6Rec: v6.recs(), records });
}

/** Typed arrays that grow: `width` range words and one record index per row. */
class Growable {
  private k = new Uint32Array(1024);
  private r = new Uint32Array(1024);
  private n = 0;
  constructor(private readonly width: number) {
    this.k = new Uint32Array(1024 * width);
  }
  push(words: readonly number[], rec: number): void {
    if (this.n === this.r.length) {
      const k = new Uint32Array(this.k.length * 2);
      k.set(this.k);
      this.k = k;
      const r = new Uint32Array(this.r.length * 2);
      r.set(this.r);
      this.r = r;
    }
    this.k.set(words, this.n * this.width);
    this.r[this.n++] = rec;
  }
  keys = () => this.k.slice(0, this.n * this.width);
  recs = () => this.r.slice(0, this.n);
}

/** Rows and fields of a CSV text (RFC 4180 quoting: `"a, b"`, `""` for a quote), without splitting it into lines first. */
class RowReader {
  line = 0;
  private at = 0;
  private end = 0;
  constructor(private readonly text: string) {}

  next(): boolean {
    while (this.at < this.text.length) {
      let end = this.text.indexOf('\n', this.at);
      if (end < 0) end = this.text.length;
      this.line++;
      this.end = end > this.at && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (this.end > this.at) return true;
      this.at = end + 1;
    }
    return false;
  }

  field(): string {
    const t = this.text;
    if (this.at > this.end) return '';
    if (t.charCodeAt(this.at) !== 34) {
      let comma = t.indexOf(',', this.at);
      if (comma < 0 || comma > this.end) comma = this.end;
      const value = t.slice(this.at, comma);
      this.at = comma + 1;
      return value;
    }
    let value = '';
    let i = this.at + 1;
    for (;;) {
      const q = t.indexOf('"', i);
      if (q < 0 || q >= this.end) throw new Error(`line ${this.line}: unterminated quoted field`);
      value += t.slice(i, q);
      if (t.charCodeAt(q + 1) === 34) {
        value += '"';
        i = q + 2;
      } else {
        this.at = q + 2; // past the quote and the comma
        return value;
      }
    }
  }

  /** Whether the row had no more fields; moves to the next line. */
  atEnd(): boolean {
    const done = this.at > this.end;
    const nl = this.text.indexOf('\n', this.end);
    this.at = nl < 0 ? this.text.length : nl + 1;
    return done;
  }
}

export function asnTable(data: AsnTableData): AsnTable {
  const { v4, v4Rec, v6, v6Rec, records } = data;
  return {
    data,
    size: v4Rec.length + v6Rec.length,
    lookup(a) {
      if (!a.v6) {
        // The last range starting at or before the address, if it also ends at or after it.
        let lo = 0;
        let hi = v4Rec.length - 1;
        let found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (v4[2 * mid]! <= a.v4) {
            found = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        return found >= 0 && v4[2 * found + 1]! >= a.v4 ? records[v4Rec[found]!] : undefined;
      }
      let lo = 0;
      let hi = v6Rec.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (compare6(v6, 8 * mid, a.words) <= 0) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found >= 0 && compare6(v6, 8 * found + 4, a.words) >= 0 ? records[v6Rec[found]!] : undefined;
    },
  };
}

/** Compares the four 32-bit words at `at` with an address's eight 16-bit words. */
function compare6(words: Uint32Array, at: number, w: Uint16Array): number {
  for (let i = 0; i < 4; i++) {
    const d = words[at + i]! - (((w[2 * i]! << 16) | w[2 * i + 1]!) >>> 0);
    if (d !== 0) return d;
  }
  return 0;
}

const scratch = new Uint16Array(8);

/** An IPv6 range bound (no zone) as four 32-bit words into `out` from `at`; false when it is not one. */
function v6Bound(text: string, out: number[], at: number): boolean {
  if (text.indexOf('%') >= 0 || !parseIPv6(text, scratch)) return false;
  for (let k = 0; k < 4; k++) out[at + k] = ((scratch[2 * k]! << 16) | scratch[2 * k + 1]!) >>> 0;
  return true;
}
