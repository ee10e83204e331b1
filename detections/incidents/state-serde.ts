import type { Serde } from '../../core/state/index.js';

/**
 * How the incident stage writes its state records (`encodeState` JSON) to the changelog: as they
 * are. The processor's default JSON serde would quote the JSON text again, escaping every quote
 * in it: more bytes to write and to restore, and one more pass over each record.
 *
 * Changelogs written with that default (a JSON string holding the record) still restore: a value
 * that starts with `"` is unquoted first.
 */
export const incidentStateSerde: Serde<string> = {
  serialize: (value) => value,
  deserialize: (bytes) => {
    const text = bytes.toString('utf8');
    return text.startsWith('"') ? (JSON.parse(text) as string) : text;
  },
};
