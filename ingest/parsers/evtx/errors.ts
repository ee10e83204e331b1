import { VigilError } from '../../../core/errors/index.js';

/** Bytes that are not what the .evtx format says (MS-EVEN6); caught per record or per chunk. */
export class EvtxFormatError extends VigilError {
  constructor(message: string) {
    super('PARSE_EVTX', message);
  }
}
