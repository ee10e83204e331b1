import { getPath, splitPath, type Path } from '../routes/paths.js';
import type { Outgoing } from '../runner/index.js';

/** Kafka topic names: letters, digits, `.`, `_`, `-`, at most 249 characters. */
const NOT_TOPIC_CHAR = /[^A-Za-z0-9._-]/g;
const MAX_TOPIC_LENGTH = 249;

type Part = { text: string } | { var: 'topic' | 'route' } | { field: Path };

/** Compiles a topic template (`siem.{topic}`, `logs-{event.dataset}`) once; the result names each record's topic. */
export function topicTemplate(template: string): (o: Outgoing) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    const name = (m[1] as string).trim();
    parts.push(name === 'topic' || name === 'route' ? { var: name } : { field: splitPath(name) });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  if (parts.every((p) => 'text' in p)) return () => template;
  return (o) => {
    let out = '';
    for (const p of parts) {
      if ('text' in p) out += p.text;
      else if ('var' in p) out += p.var === 'topic' ? o.topic : o.route;
      else {
        const v = getPath(o.doc as Record<string, unknown>, p.field);
        const s = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
        out += s === '' ? 'unknown' : s.replace(NOT_TOPIC_CHAR, '_');
      }
    }
    return out.slice(0, MAX_TOPIC_LENGTH);
  };
}

/** The record key: the configured field's value, else the key the record was read with. */
export function recordKey(field: string | undefined): (o: Outgoing) => string | null {
  const path = field === undefined ? undefined : splitPath(field);
  return (o) => {
    if (path) {
      const v = getPath(o.doc as Record<string, unknown>, path);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    }
    return o.source.key;
  };
}
