/** How state values are written to and read from the changelog. A value must not serialize to zero bytes (that reads back as a tombstone). */
export interface Serde<S> {
  serialize(value: S): Buffer | string;
  deserialize(bytes: Buffer): S;
}

/** JSON, the default: plain objects, arrays, strings, numbers, booleans, null. */
export function jsonSerde<S>(): Serde<S> {
  return {
    serialize: (value) => JSON.stringify(value),
    deserialize: (bytes) => JSON.parse(bytes.toString('utf8')) as S,
  };
}
