/**
 * The BinXML token reader (MS-EVEN6 §2.2.12): tokens of one chunk turned into an element tree.
 * Names and template definitions are stored once per chunk and referenced by chunk offset;
 * a reader lives as long as its chunk and caches both. Template definitions are parsed once into a
 * tree whose substitution tokens stay placeholders, filled per record from the instance's values.
 */
import { EvtxFormatError } from './errors.js';
import { decodeValue, T_BINXML, ucs2, utf16, valueText, type JsonValue } from './values.js';

/** An element with its attributes and content, in document order. */
export interface XmlElement {
  name: string;
  attrs: XmlAttr[];
  children: XmlNode[];
}
export interface XmlAttr {
  name: string;
  /** The value's pieces (several when entity or character references split it). */
  value: XmlText[];
}
/**
 * Element or attribute text: literal text or a substitution's value. Strings are text (an empty
 * one is no content); numbers and booleans are the integer and boolean types, which evtx_dump
 * writes as bare JSON values when they stand alone.
 */
export interface XmlText {
  v: string | number | boolean;
}
export type XmlNode = XmlElement | XmlText;

/** A substitution token inside a template definition. */
interface Placeholder {
  sub: number;
  optional: boolean;
}
type Piece = XmlText | Placeholder;
interface TplElement {
  name: string;
  /** DependencyId: the element is left out when that substitution is null (MS-EVEN6 §2.2.12). */
  dep?: number;
  attrs: { name: string; value: Piece[] }[];
  children: TplNode[];
}
export type TplNode = TplElement | XmlText | Placeholder;

/** A template definition of the chunk, parsed. */
export interface Template {
  nodes: TplNode[];
  /** Its GUID and data size as 20 latin1 characters: the same template in another chunk has the same (and the same `nodes`). */
  guid: string;
  /** Its number among the file's templates (record-json.ts), -1 until it has one. */
  id: number;
}

/** A template instance, unfilled. */
export interface Instance {
  template: Template;
  values: SubValue[];
}
/** A record's fragment: one template instance (nearly every record), or any other fragment's nodes. */
export type RecordContent = Instance | XmlNode[];

/**
 * A substitution value: typed, or a nested BinXML fragment (type 0x21) already read: its nodes,
 * or when it is one template instance (as a record's EventData usually is), that instance unfilled.
 */
export type SubValue =
  { type: number; v: JsonValue } | { type: typeof T_BINXML; nodes: XmlNode[] } | { type: typeof T_BINXML; inst: Instance };
/** An array value of more than one item, in a filled element until the element is repeated per item. */
interface ArrayPiece {
  items: JsonValue[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Fragments nest (a BinXML value holding a template instance holding one…); real logs go 2–3 deep. */
const MAX_DEPTH = 32;

export class BinXmlReader {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template>();

  /** `buf` is the chunk: every offset the tokens carry is relative to its start. */
  constructor(private readonly buf: Buffer) {}

  /** The elements of the fragment in `[start, end)`, template instances filled in. */
  read(start: number, end: number): XmlNode[] {
    // Outside templates there are no placeholders: the tree is already an XmlNode tree.
    return this.fragment(start, end, false, 0).nodes as unknown as XmlNode[];
  }

  /**
   * A record's fragment in `[start, end)`. When it is a fragment header, one template instance and
   * its end, the template and values unfilled (the same reads, in the same order, as `read`, so
   * the same errors); otherwise `read`'s nodes.
   */
  readRecord(start: number, end: number): RecordContent {
    return this.loneInstance(start, end, 0) ?? this.read(start, end);
  }

  /**
   * The fragment in `[start, end)` when it is one template instance (after a fragment header or
   * not) and its end, read as `fragment` reads it; otherwise undefined.
   */
  private loneInstance(start: number, end: number, depth: number): Instance | undefined {
    const b = this.buf;
    let pos = start;
    if (pos < end && ((b[pos] as number) & ~0x40) === 0x0f) pos += 4;
    if (pos >= end || ((b[pos] as number) & ~0x40) !== 0x0c) return undefined;
    const r = this.instanceParts(pos, depth);
    return r.pos >= end || ((b[r.pos] as number) & ~0x40) === 0x00 ? { template: r.template, values: r.values } : undefined;
  }

  private u8(at: number): number {
    if (at >= this.buf.length) throw new EvtxFormatError(`a token runs past the chunk at 0x${at.toString(16)}`);
    return this.buf[at] as number;
  }
  private u16(at: number): number {
    if (at + 2 > this.buf.length) throw new EvtxFormatError(`a token runs past the chunk at 0x${at.toString(16)}`);
    const b = this.buf;
    return (b[at] as number) | ((b[at + 1] as number) << 8);
  }
  private u32(at: number): number {
    if (at + 4 > this.buf.length) throw new EvtxFormatError(`a token runs past the chunk at 0x${at.toString(16)}`);
    const b = this.buf;
    return ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) + (b[at + 3] as number) * 0x1000000;
  }

  /** A name at `offset`: next-name offset u32, hash u16, length u16, UTF-16 chars, NUL. */
  private name(offset: number): string {
    let n = this.names.get(offset);
    if (n === undefined) {
      const chars = this.u16(offset + 6);
      if (offset + 8 + 2 * chars > this.buf.length) throw new EvtxFormatError(`a name at 0x${offset.toString(16)} runs past the chunk`);
      n = ucs2(this.buf, offset + 8, offset + 8 + 2 * chars);
      this.names.set(offset, n);
    }
    return n;
  }

  /** Reads a name reference at `at`; returns the name and where the token goes on (past an inline name). */
  private nameRef(at: number): [string, number] {
    const offset = this.u32(at);
    const name = this.name(offset);
    const next = at + 4;
    return [name, offset === next ? next + 10 + 2 * name.length : next];
  }

  /**
   * Tokens from `pos` up to EOF or `end`. In a template definition (`inTemplate`) elements carry a
   * dependency id and substitutions stay placeholders.
   */
  private fragment(pos: number, end: number, inTemplate: boolean, depth: number): { nodes: TplNode[]; pos: number } {
    if (depth > MAX_DEPTH) throw new EvtxFormatError(`BinXML nested deeper than ${MAX_DEPTH} fragments`);
    const root: TplElement = { name: '', attrs: [], children: [] };
    const stack: TplElement[] = [root];
    /** The attribute whose value the next value tokens make, until the start tag closes. */
    let attr: { name: string; value: Piece[] } | undefined;
    let top = root;
    while (pos < end) {
      const tok = this.u8(pos);
      switch (tok & ~0x40) {
        case 0x00:
          return { nodes: root.children, pos: pos + 1 };
        case 0x0f: // fragment header: major, minor, flags
          pos += 4;
          break;
        case 0x01: {
          attr = undefined;
          const dep = inTemplate ? this.u16(pos + 1) : 0xffff;
          let at = pos + 1 + (inTemplate ? 2 : 0) + 4; // dependency id, data size
          const [name, next] = this.nameRef(at);
          at = next + (tok & 0x40 ? 4 : 0); // attribute list size
          top = dep === 0xffff ? { name, attrs: [], children: [] } : { name, dep, attrs: [], children: [] };
          stack.push(top);
          pos = at;
          break;
        }
        case 0x02:
          attr = undefined;
          pos++;
          break;
        case 0x03:
        case 0x04:
          attr = undefined;
          if (stack.length < 2) throw new EvtxFormatError(`an end tag with no element open at 0x${pos.toString(16)}`);
          stack.pop();
          (stack[stack.length - 1] as TplElement).children.push(top);
          top = stack[stack.length - 1] as TplElement;
          pos++;
          break;
        case 0x06: {
          const [name, next] = this.nameRef(pos + 1);
          attr = { name, value: [] };
          top.attrs.push(attr);
          pos = next;
          break;
        }
        case 0x05: {
          const type = this.u8(pos + 1);
          if (type !== 0x01) throw new EvtxFormatError(`a value token of type 0x${type.toString(16)} (only strings are defined)`);
          const chars = this.u16(pos + 2);
          (attr ? attr.value : top.children).push({ v: this.text(pos + 4, chars) });
          pos += 4 + 2 * chars;
          break;
        }
        case 0x07: {
          const chars = this.u16(pos + 1);
          (attr ? attr.value : top.children).push({ v: this.text(pos + 3, chars) });
          pos += 3 + 2 * chars;
          break;
        }
        case 0x08:
          (attr ? attr.value : top.children).push({ v: String.fromCharCode(this.u16(pos + 1)) });
          pos += 3;
          break;
        case 0x09: {
          const [name, next] = this.nameRef(pos + 1);
          (attr ? attr.value : top.children).push({ v: ENTITIES[name] ?? `&${name};` });
          pos = next;
          break;
        }
        case 0x0a: // processing instruction target: ignored, as evtx_dump's JSON does
          pos = this.nameRef(pos + 1)[1];
          break;
        case 0x0b:
          pos += 3 + 2 * this.u16(pos + 1);
          break;
        case 0x0c: {
          const r = this.instance(pos, depth);
          for (const n of r.nodes) top.children.push(n);
          pos = r.pos;
          break;
        }
        case 0x0d:
        case 0x0e:
          if (!inTemplate) throw new EvtxFormatError(`a substitution outside a template at 0x${pos.toString(16)}`);
          (attr ? attr.value : top.children).push({ sub: this.u16(pos + 1), optional: tok === 0x0e });
          pos += 4;
          break;
        default:
          throw new EvtxFormatError(`unknown BinXML token 0x${tok.toString(16)} at 0x${pos.toString(16)}`);
      }
    }
    if (stack.length > 1) throw new EvtxFormatError(`the fragment ends inside <${top.name}>`);
    return { nodes: root.children, pos };
  }

  private text(at: number, chars: number): string {
    if (at + 2 * chars > this.buf.length) throw new EvtxFormatError(`a string runs past the chunk at 0x${at.toString(16)}`);
    return utf16(this.buf, at, 2 * chars);
  }

  /** A template instance at `pos`, filled. */
  private instance(pos: number, depth: number): { nodes: XmlNode[]; pos: number } {
    const r = this.instanceParts(pos, depth);
    return { nodes: fill(r.template.nodes, r.values), pos: r.pos };
  }

  /** A template instance at `pos`: its definition (inline the first time), then its values. */
  private instanceParts(pos: number, depth: number): { template: Template; values: SubValue[]; pos: number } {
    const defOffset = this.u32(pos + 6);
    let at = pos + 10;
    if (defOffset === at) at += 24 + this.u32(at + 20);
    const template = this.template(defOffset, depth);
    const count = this.u32(at);
    at += 4;
    if (at + 4 * count > this.buf.length) throw new EvtxFormatError(`${count} substitutions run past the chunk`);
    let value = at + 4 * count;
    const values: SubValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const size = this.u16(at + 4 * i);
      const type = this.u8(at + 4 * i + 2);
      if (type === T_BINXML) values[i] = size === 0 ? { type, nodes: [] } : this.binXmlValue(value, value + size, depth + 1);
      else values[i] = { type, v: size === 0 && type !== 0x01 ? null : decodeValue(type, this.buf, value, size) };
      value += size;
    }
    return { template, values, pos: value };
  }

  /** A BinXML value: a lone template instance unfilled (read as `fragment` would read it), else its nodes. */
  private binXmlValue(start: number, end: number, depth: number): SubValue {
    const inst = depth <= MAX_DEPTH ? this.loneInstance(start, end, depth) : undefined;
    if (inst) return { type: T_BINXML, inst };
    return { type: T_BINXML, nodes: this.fragment(start, end, false, depth).nodes as unknown as XmlNode[] };
  }

  private template(offset: number, depth: number): Template {
    let t = this.templates.get(offset);
    if (!t) {
      const size = this.u32(offset + 20);
      const start = offset + 24;
      if (start + size > this.buf.length) throw new EvtxFormatError(`a template at 0x${offset.toString(16)} runs past the chunk`);
      const nodes = this.fragment(start, start + size, true, depth + 1).nodes;
      t = { nodes, guid: this.buf.toString('latin1', offset + 4, offset + 24), id: -1 };
      this.templates.set(offset, t);
    }
    return t;
  }
}

const isPlaceholder = (n: TplNode | Piece): n is Placeholder => 'sub' in n;

/** Whether two parsed templates are the same tree (names, texts, substitutions, dependencies). */
export function sameTemplate(a: readonly TplNode[], b: readonly TplNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameNode(a[i] as TplNode, b[i] as TplNode)) return false;
  return true;
}

function sameNode(x: TplNode | Piece, y: TplNode | Piece): boolean {
  if (isPlaceholder(x)) return isPlaceholder(y) && x.sub === y.sub && x.optional === y.optional;
  if ('v' in x) return 'v' in y && x.v === y.v;
  if (!('name' in y) || x.name !== y.name || x.dep !== y.dep || x.attrs.length !== y.attrs.length) return false;
  for (let i = 0; i < x.attrs.length; i++) {
    const p = x.attrs[i] as TplElement['attrs'][number];
    const q = y.attrs[i] as TplElement['attrs'][number];
    if (p.name !== q.name || p.value.length !== q.value.length) return false;
    for (let j = 0; j < p.value.length; j++) if (!sameNode(p.value[j] as Piece, q.value[j] as Piece)) return false;
  }
  return sameTemplate(x.children, y.children);
}
const isElement = (n: TplNode): n is TplElement => 'name' in n;

/** The value as one text piece: arrays of one item as that item's text, as evtx_dump renders them. */
function piece(v: JsonValue): XmlText | ArrayPiece | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.length > 1 ? { items: v } : { v: v.length === 1 ? valueText(v[0] as JsonValue) : '' };
  if (typeof v === 'object') return undefined;
  return { v };
}

type Filled = XmlElement | XmlText | ArrayPiece;

/**
 * What a substitution gives: its nodes (nested BinXML), one piece, or undefined for a missing
 * value or an empty optional one.
 */
function subst(p: Placeholder, values: SubValue[]): XmlNode[] | XmlText | ArrayPiece | undefined {
  const v = values[p.sub];
  if (!v) return undefined;
  if ('nodes' in v) return v.nodes;
  if ('inst' in v) return fill(v.inst.template.nodes, v.inst.values);
  const x = piece(v.v);
  return !x || (p.optional && 'v' in x && x.v === '') ? undefined : x;
}

const isNull = (v: SubValue | undefined): boolean => v !== undefined && 'v' in v && v.v === null;

/** The template with the values in place of its substitutions. */
export function fill(nodes: TplNode[], values: SubValue[], out: XmlNode[] = [], root = true): XmlNode[] {
  for (const n of nodes) {
    if (isPlaceholder(n)) {
      const x = subst(n, values);
      if (Array.isArray(x)) for (const c of x) out.push(c);
      // An array straight under no element has nothing to repeat: its items' text, joined.
      else if (x) out.push('items' in x ? { v: x.items.map(valueText).join(',') } : x);
    } else if (isElement(n)) {
      // A template's root is always rendered; below it, an element whose dependency is null is not.
      if (!root && n.dep !== undefined && isNull(values[n.dep])) continue;
      let arrays = false;
      const attrs: Unexpanded['attrs'] = [];
      for (const a of n.attrs) {
        const value: (XmlText | ArrayPiece)[] = [];
        for (const p of a.value) {
          if (!isPlaceholder(p)) value.push(p);
          else {
            const x = subst(p, values);
            // Nested BinXML in an attribute has no text form.
            if (x && !Array.isArray(x)) {
              value.push(x);
              if ('items' in x) arrays = true;
            }
          }
        }
        if (value.length > 0) attrs.push({ name: a.name, value });
      }
      const children: Filled[] = [];
      for (const c of n.children) {
        if (isPlaceholder(c)) {
          const x = subst(c, values);
          if (Array.isArray(x)) for (const e of x) children.push(e);
          else if (x) {
            children.push(x);
            if ('items' in x) arrays = true;
          }
        } else if (isElement(c)) fill([c], values, children as XmlNode[], false);
        else children.push(c);
      }
      if (arrays) expand({ name: n.name, attrs, children }, out);
      else out.push({ name: n.name, attrs: attrs as XmlAttr[], children: children as XmlNode[] });
    } else out.push(n);
  }
  return out;
}

interface Unexpanded {
  name: string;
  attrs: { name: string; value: (XmlText | ArrayPiece)[] }[];
  children: Filled[];
}

/**
 * An element holding an array value of several items is repeated once per item, each copy with
 * one item in the array's place (MS-EVEN6 §3.1.4.7.5); an empty string item leaves its place empty.
 */
function expand(el: Unexpanded, out: XmlNode[]): void {
  const ci = el.children.findIndex((c) => 'items' in c);
  if (ci !== -1) {
    for (const item of (el.children[ci] as ArrayPiece).items) {
      const children = el.children.slice();
      const p = piece(item);
      if (p && !('v' in p && p.v === '')) children.splice(ci, 1, p);
      else children.splice(ci, 1);
      expand({ ...el, children }, out);
    }
    return;
  }
  for (let ai = 0; ai < el.attrs.length; ai++) {
    const a = el.attrs[ai] as Unexpanded['attrs'][number];
    const vi = a.value.findIndex((x) => 'items' in x);
    if (vi === -1) continue;
    for (const item of (a.value[vi] as ArrayPiece).items) {
      const value = a.value.slice();
      const p = piece(item);
      if (p && !('v' in p && p.v === '')) value.splice(vi, 1, p);
      else value.splice(vi, 1);
      const attrs = el.attrs.slice();
      if (value.length > 0) attrs.splice(ai, 1, { name: a.name, value });
      else attrs.splice(ai, 1);
      expand({ ...el, attrs }, out);
    }
    return;
  }
  out.push(el as XmlElement);
}
