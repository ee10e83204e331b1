/**
 * A record's evtx_dump JSON text, fast. Nearly every record is one template instance, and a
 * template's JSON differs from record to record only where its values go, as long as each value
 * is of the same kind (null, empty, text, bare integer or boolean): the kinds decide which
 * elements are left out, which are null, and what is bare or joined. So the JSON of a template
 * for one set of kinds is made once, the slow way (`fill`, `toEvtxDumpJson`, `JSON.stringify`),
 * with markers in place of the values, and cut at the markers; a record of the same template
 * and kinds is then its pieces with its values between. The object (what `JSON.parse` of the text
 * gives) is made the same way: the marked object once, then a function that builds that object
 * with the values in place of the markers. Anything else (array values that repeat their element,
 * nested BinXML, a value that ends up in a key) takes the slow way every time.
 */
import { fill, sameTemplate, type Instance, type RecordContent, type SubValue, type Template } from './binxml.js';
import { toEvtxDumpJson } from './json.js';
import { valueText, type JsonValue } from './values.js';

/**
 * A template's JSON for one set of value kinds: `text[0]`, value `subs[0]`, `text[1]`, …. Values
 * are numbered in the order `shapeOf` lists them, nested instances' values in their place.
 */
interface Compiled {
  text: string[];
  subs: number[];
  modes: Mode[];
}
/** How a value is written: alone (a bare integer or boolean), inside a JSON string, or as a whole JSON string. */
const BARE = 0;
const IN_STRING = 1;
const STRING = 2;
type Mode = typeof BARE | typeof IN_STRING | typeof STRING;

/** Text markers are private-use characters, which JSON.stringify leaves as they are. */
const MARK = '\uE000';
const MAX_MARKED = 0x18ff;
/** Integer markers: exact doubles, distinct from any integer a 64-bit value gives that is printed apart. */
const BARE_BASE = -8800000000000000;
const MARKERS = /\uE000([\uE001-\uF8FF])|-8800000000(\d{6})/g;
/** Kinds seen per template before new ones take the slow way: bounds the cache on odd files. */
const MAX_SHAPES = 64;
const MAX_TEMPLATES = 4096;

/** Text escaped for the inside of a JSON string (a value joined to other text in one string, which is rare). */
const jsonText = (s: string): string => JSON.stringify(s).slice(1, -1);

/** Kinds of value (as character codes, for shape keys). */
const NULL = 0x4e; // N
const EMPTY = 0x45; // E
const TEXT = 0x53; // S
const BARE_VALUE = 0x42; // B
const EMPTY_BINXML = 0x58; // X
const INSTANCE = 0x49; // I
const OPEN = 0x28;
const CLOSE = 0x29;

/** The kind of a value, or -1 for a value with no fixed shape. */
function kindOf(sv: SubValue): number {
  if ('inst' in sv) return INSTANCE;
  if ('nodes' in sv) return sv.nodes.length === 0 ? EMPTY_BINXML : -1;
  const v = sv.v;
  if (v === null) return NULL;
  if (typeof v === 'string') return v === '' ? EMPTY : TEXT;
  if (typeof v === 'number' || typeof v === 'boolean') return BARE_VALUE;
  // An array of one item is that item's text; of several, it repeats its element.
  if (Array.isArray(v) && v.length <= 1) return v.length === 1 && valueText(v[0] as JsonValue) !== '' ? TEXT : EMPTY;
  return -1;
}

/** The values with a marker in place of each text and bare value (null and empty ones as they are), numbered from `n.next`. */
function markers(values: readonly SubValue[], n: { next: number }): SubValue[] {
  return values.map((sv): SubValue => {
    const at = n.next++;
    const kind = kindOf(sv);
    if (kind === TEXT) return { type: 0x01, v: MARK + String.fromCharCode(0xe001 + at) };
    if (kind === BARE_VALUE) return { type: 0x08, v: BARE_BASE - at };
    if ('inst' in sv) return { type: sv.type, inst: { template: sv.inst.template, values: markers(sv.inst.values, n) } };
    return sv;
  });
}

/** The marked JSON cut at its markers, or undefined when a marker lands in a key. */
function compile(inst: Instance, count: number): Compiled | undefined {
  if (count > MAX_MARKED) return undefined;
  const json = JSON.stringify(toEvtxDumpJson(fill(inst.template.nodes, markers(inst.values, { next: 0 }))));
  const out: Compiled = { text: [], subs: [], modes: [] };
  let inString = false;
  let opened = -1;
  let scanned = 0;
  let last = 0;
  for (const m of json.matchAll(MARKERS)) {
    const at = m.index;
    const after = at + m[0].length;
    // Whether the marker is inside a string: count the unescaped quotes before it.
    for (; scanned < at; scanned++) {
      const c = json.charCodeAt(scanned);
      if (c === 0x5c) scanned++;
      else if (c === 0x22) {
        inString = !inString;
        opened = scanned;
      }
    }
    if (inString && isKey(json, at)) return undefined;
    // A value that is a whole string is written with its quotes by JSON.stringify.
    const whole = inString && opened === at - 1 && json.charCodeAt(after) === 0x22;
    out.text.push(json.slice(last, whole ? at - 1 : at));
    out.subs.push(markerAt(m));
    out.modes.push(whole ? STRING : inString ? IN_STRING : BARE);
    last = whole ? after + 1 : after;
    if (whole) {
      inString = false;
      scanned = after + 1;
    }
  }
  out.text.push(json.slice(last));
  return out;
}

/** Whether the string around `at` is an object key (a colon follows its closing quote). */
function isKey(json: string, at: number): boolean {
  for (let i = at; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return json.charCodeAt(i + 1) === 0x3a;
  }
  return false;
}

/** A text value's text: a string, the item of an array of one, or an integer or boolean joined to other text. */
const textOf = (v: JsonValue): string => (typeof v === 'string' ? v : Array.isArray(v) ? valueText(v[0] as JsonValue) : String(v));

function emit(c: Compiled, values: readonly SubValue[]): string {
  // Only text and bare values are marked, so each one numbered here has a `v`.
  let s = c.text[0] as string;
  for (let i = 0; i < c.subs.length; i++) {
    const v = (values[c.subs[i] as number] as { v: JsonValue }).v;
    const mode = c.modes[i];
    if (mode === STRING) s += JSON.stringify(textOf(v));
    else if (mode === IN_STRING) s += jsonText(textOf(v));
    else s += String(v);
    s += c.text[i + 1] as string;
  }
  return s;
}

/** A record's object (evtx_dump's JSON parsed), from its values in marker order. */
type Build = (values: readonly SubValue[]) => JsonObject;
type JsonObject = { [key: string]: JsonValue };
/** A template's compiled forms for one set of kinds: undefined until tried, null when it must go the slow way. */
interface Shape {
  text?: Compiled | null;
  object?: Build | null;
}

const MARKED = /\uE000[\uE001-\uF8FF]|-8800000000\d{6}/;
/** A marker's value number in `MARKERS`' match. */
const markerAt = (m: RegExpMatchArray): number => (m[1] !== undefined ? m[1].charCodeAt(0) - 0xe001 : Number(m[2]));

/**
 * The JavaScript expression that builds `v`, the marked object, with `x[k].v` in place of bare
 * marker k and `t(x[k].v)` (the value's text) for a text marker; undefined when a marker is in a
 * key or a key cannot be written as a literal one.
 */
function expression(v: JsonValue): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const at = BARE_BASE - v;
    if (Number.isInteger(at) && at >= 0 && at <= MAX_MARKED) return `x[${at}].v`;
    return Number.isFinite(v) && !Object.is(v, -0) ? String(v) : undefined;
  }
  if (typeof v === 'string') {
    const parts: string[] = [];
    let last = 0;
    for (const m of v.matchAll(MARKERS)) {
      if (m.index > last) parts.push(JSON.stringify(v.slice(last, m.index)));
      parts.push(`t(x[${markerAt(m)}].v)`);
      last = m.index + m[0].length;
    }
    if (last < v.length || parts.length === 0) parts.push(JSON.stringify(v.slice(last)));
    return parts.join('+');
  }
  const items: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const e = expression(item);
      if (e === undefined) return undefined;
      items.push(e);
    }
    return `[${items.join(',')}]`;
  }
  for (const [key, item] of Object.entries(v)) {
    // `__proto__:` in a literal sets the prototype rather than a key.
    if (key === '__proto__' || MARKED.test(key)) return undefined;
    const e = expression(item);
    if (e === undefined) return undefined;
    items.push(`${JSON.stringify(key)}:${e}`);
  }
  return `{${items.join(',')}}`;
}

/** The function that builds the template's object for one set of kinds, or undefined when a marker lands in a key. */
function compileObject(inst: Instance, count: number): Build | undefined {
  if (count > MAX_MARKED) return undefined;
  const source = expression(toEvtxDumpJson(fill(inst.template.nodes, markers(inst.values, { next: 0 }))));
  if (source === undefined) return undefined;
  try {
    return new Function('t', `return (x) => (${source});`)(textOf) as Build;
  } catch (err) {
    // Code generation disallowed (--disallow-code-generation-from-strings): the slow way.
    if (err instanceof EvalError) return undefined;
    throw err;
  }
}

/** Whether `build` makes `object` from `flat`; one that throws (marker-like text in the template itself) is not. */
function sameAs(build: Build, flat: Parameters<Build>[0], object: JsonObject): boolean {
  try {
    return JSON.stringify(build(flat)) === JSON.stringify(object);
  } catch {
    return false;
  }
}

const slowObject = (content: RecordContent): JsonObject =>
  toEvtxDumpJson(Array.isArray(content) ? content : fill(content.template.nodes, content.values));
const slow = (content: RecordContent): string => JSON.stringify(slowObject(content));

/**
 * Turns records into JSON text or objects, keeping each template's compiled forms for the whole
 * file (chunks repeat their templates; a template is known by its GUID and tree, not its chunk offset).
 */
export class RecordJson {
  /** Template GUID and size → the templates seen with it (normally one), with their ids. */
  private readonly ids = new Map<string, Template[]>();
  private nextId = 0;
  /** Reused per record: the values in marker order, and the shape key's character codes. */
  private readonly flat: SubValue[] = [];
  private readonly codes: number[] = [];
  /** Records written from compiled JSON, and the slow way; objects built from compiled functions, and the slow way. */
  readonly counts = { compiled: 0, slow: 0 };
  readonly objectCounts = { compiled: 0, slow: 0 };
  private held = 0;
  /** Outer template id → the kinds of all values (nested instances' included) → its compiled forms. */
  private readonly shapes = new Map<number, Map<string, Shape>>();

  text(content: RecordContent): string {
    const shape = this.shape(content);
    if (!shape) return this.slow(content);
    const compiled = shape.text;
    if (compiled) {
      this.counts.compiled++;
      return emit(compiled, this.flat);
    }
    const text = this.slow(content);
    if (compiled === undefined) {
      const c = compile(content as Instance, this.flat.length);
      // The compiled form must give this record's text exactly, or it is not used.
      shape.text = c && emit(c, this.flat) === text ? c : null;
    }
    return text;
  }

  /** The record's object: what `JSON.parse(this.text(content))` gives. */
  event(content: RecordContent): JsonObject {
    const shape = this.shape(content);
    if (!shape) return this.slowEvent(content);
    const build = shape.object;
    if (build) {
      this.objectCounts.compiled++;
      return build(this.flat);
    }
    const object = this.slowEvent(content);
    if (build === undefined) {
      const b = compileObject(content as Instance, this.flat.length);
      // The built object must be this record's exactly (same keys in the same order, same values), or it is not used.
      shape.object = b && sameAs(b, this.flat, object) ? b : null;
    }
    return object;
  }

  private slow(content: RecordContent): string {
    this.counts.slow++;
    return slow(content);
  }

  private slowEvent(content: RecordContent): JsonObject {
    this.objectCounts.slow++;
    return slowObject(content);
  }

  /**
   * The compiled forms for the record's template and kinds of values (created empty when new),
   * with its values in marker order in `flat`; undefined when it must go the slow way.
   */
  private shape(content: RecordContent): Shape | undefined {
    if (Array.isArray(content)) return undefined;
    const flat = this.flat;
    const codes = this.codes;
    flat.length = 0;
    codes.length = 0;
    if (!this.shapeOf(content.values, flat, codes)) return undefined;
    const key = String.fromCharCode.apply(null, codes);
    const id = this.idOf(content.template);
    let byShape = this.shapes.get(id);
    if (!byShape) {
      byShape = new Map();
      this.shapes.set(id, byShape);
    }
    let shape = byShape.get(key);
    if (!shape) {
      if (byShape.size >= MAX_SHAPES) return undefined;
      byShape.set(key, (shape = {}));
    }
    return shape;
  }

  /**
   * The kinds of the values onto `codes`, a nested instance's as its template's id and its own in
   * brackets; every value onto `flat`, in marker order. False when one has no fixed shape.
   */
  private shapeOf(values: readonly SubValue[], flat: SubValue[], codes: number[]): boolean {
    for (const sv of values) {
      const kind = kindOf(sv);
      if (kind === -1) return false;
      flat.push(sv);
      codes.push(kind);
      if ('inst' in sv) {
        const id = this.idOf(sv.inst.template);
        codes.push(id & 0xffff, id >>> 16, OPEN);
        if (!this.shapeOf(sv.inst.values, flat, codes)) return false;
        codes.push(CLOSE);
      }
    }
    return true;
  }

  private idOf(t: Template): number {
    if (t.id === -1) {
      // Templates held (and their shapes) are bounded: a file with more starts the cache again.
      if (this.held >= MAX_TEMPLATES) {
        this.ids.clear();
        this.shapes.clear();
        this.held = 0;
      }
      // Numbers are never reused, so a template still holding one from before a clear stays right.
      let known = this.ids.get(t.guid);
      if (!known) this.ids.set(t.guid, (known = []));
      const same = known.find((k) => sameTemplate(k.nodes, t.nodes));
      if (same) t.id = same.id;
      else {
        t.id = this.nextId++;
        known.push(t);
        this.held++;
      }
    }
    return t.id;
  }
}
