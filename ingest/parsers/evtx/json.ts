/**
 * An element tree as evtx_dump's JSON (`evtx_dump -o json`, evtx 0.15): attributes with content
 * under `#attributes`; an element's text alone as its value, or under `#text` beside attributes
 * or children; an element with nothing as null; integers and booleans standing alone as bare
 * JSON values, everything else as text; repeated names as `name_1`, `name_2`, …. Under
 * `EventData` and `UserData`, `<Data Name="X">v</Data>` becomes `X: v` (an empty one `""`; several
 * of one name in a row, `X: [v, …]`), and unnamed `Data` elements become `Data: {"#text": v}` or
 * `{"#text": [v, …]}`. Repeated names are numbered per kind: elements and named `Data` apart.
 */
import { setOwn } from '../types.js';
import type { JsonValue } from './values.js';
import type { XmlAttr, XmlElement, XmlNode, XmlText } from './binxml.js';

type JsonObject = { [key: string]: JsonValue };

const isText = (n: XmlNode): n is XmlText => 'v' in n;
/** Text that counts as content: anything but an empty string. */
const isContent = (n: XmlNode): boolean => 'v' in n && n.v !== '';
const isBare = (v: XmlText['v']): boolean => typeof v !== 'string';
const isContainer = (name: string): boolean => name === 'EventData' || name === 'UserData';

/** The text of `nodes` (elements skipped): a lone integer or boolean as itself, else the pieces joined. */
function contentValue(nodes: readonly XmlNode[]): JsonValue {
  let single: XmlText | undefined;
  let count = 0;
  let s = '';
  for (const n of nodes) {
    if (!isText(n)) continue;
    if (n.v !== '') {
      single = n;
      count++;
    }
    s += String(n.v);
  }
  return count === 1 && single && isBare(single.v) ? single.v : s;
}

/** An element with a single text child: its value (`empty` when that text is empty), or undefined. */
function leaf(el: XmlElement, empty: JsonValue): JsonValue | undefined {
  if (el.children.length !== 1) return undefined;
  const only = el.children[0] as XmlNode;
  if (!isText(only)) return undefined;
  if (only.v === '') return empty;
  return isBare(only.v) ? only.v : String(only.v);
}

function attrsObject(attrs: readonly XmlAttr[]): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const a of attrs) {
    if (!a.value.some(isContent)) continue;
    setOwn((out ??= {}), a.name, contentValue(a.value));
  }
  return out;
}

function elementValue(el: XmlElement, inContainer: boolean): JsonValue {
  if (el.attrs.length === 0) {
    const v = leaf(el, null);
    if (v !== undefined) return v;
  }
  const hasText = el.children.some(isContent);
  const hasChild = el.children.some((c) => !isText(c));
  const attrs = attrsObject(el.attrs);
  if (!hasChild && !hasText && !attrs) return null;
  if (!hasChild && !attrs) return contentValue(el.children);
  return body(el, inContainer, attrs, hasText);
}

/** A `Data` element's value under a container: as an element's, but `""` when empty and attributes left out. */
function dataValue(el: XmlElement): JsonValue {
  const v = leaf(el, '');
  if (v !== undefined) return v;
  const hasText = el.children.some(isContent);
  const hasChild = el.children.some((c) => !isText(c));
  if (!hasText && !hasChild) return '';
  return hasChild ? body(el, false, undefined, hasText) : contentValue(el.children);
}

const dataName = (el: XmlElement): XmlAttr | undefined => el.attrs.find((a) => a.name === 'Name');
/** A `Data` element's key in the named form, or undefined when it has no non-empty Name. */
function dataKey(el: XmlElement): string | undefined {
  const name = dataName(el);
  return name && name.value.some(isContent) ? String(contentValue(name.value)) : undefined;
}

function body(el: XmlElement, inContainer: boolean, attrs: JsonObject | undefined, hasText: boolean): JsonObject {
  const out: JsonObject = {};
  if (attrs) out['#attributes'] = attrs;
  if (hasText) out['#text'] = contentValue(el.children);
  const data = inContainer ? el.children.filter((c): c is XmlElement => !isText(c) && c.name === 'Data') : [];
  const named = data.some((d) => dataName(d)?.value.some(isContent) === true);
  const counts = new Map<string, number>();
  const dataCounts = new Map<string, number>();
  let positionalDone = false;
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i] as XmlNode;
    if (isText(c)) continue;
    if (inContainer && c.name === 'Data') {
      if (named) {
        const key = dataKey(c);
        if (key === undefined) continue;
        // Data of one name in a row (an array substitution repeats its element) are one array.
        const run = [c];
        let j = i + 1;
        for (; j < children.length; j++) {
          const d = children[j] as XmlNode;
          if (isText(d)) continue;
          if (d.name !== 'Data' || dataKey(d) !== key) break;
          run.push(d);
        }
        if (run.length > 1) i = j - 1;
        put(out, dataCounts, key, run.length === 1 ? dataValue(c) : run.map(dataValue));
      } else if (!positionalDone) {
        positionalDone = true;
        out.Data = { '#text': data.length === 1 ? dataValue(c) : data.map(dataValue) };
      }
      continue;
    }
    put(out, counts, c.name, elementValue(c, isContainer(c.name)));
  }
  return out;
}

/** `name`, then `name_1`, `name_2`, … for the same name again. */
function put(out: JsonObject, counts: Map<string, number>, name: string, value: JsonValue): void {
  const n = counts.get(name) ?? 0;
  counts.set(name, n + 1);
  setOwn(out, n === 0 ? name : `${name}_${n}`, value);
}

/** The record's document (`{Event: {...}}`) from the nodes of its fragment. */
export function toEvtxDumpJson(nodes: readonly XmlNode[]): JsonObject {
  const out: JsonObject = {};
  const counts = new Map<string, number>();
  for (const n of nodes) if (!isText(n)) put(out, counts, n.name, elementValue(n, isContainer(n.name)));
  return out;
}
