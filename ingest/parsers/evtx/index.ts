export {
  readEvtxFile,
  isEvtx,
  checkChunk,
  checkFileHeader,
  chunkRecords,
  CHUNK_BYTES,
  EVTX_FILE_MAGIC,
  EvtxRecord,
  type EvtxBuild,
  type EvtxItem,
  type EvtxReadOptions,
} from './file.js';
export { BinXmlReader, type XmlElement, type XmlNode } from './binxml.js';
export { toEvtxDumpJson } from './json.js';
export { EvtxFormatError } from './errors.js';
export type { JsonValue } from './values.js';
