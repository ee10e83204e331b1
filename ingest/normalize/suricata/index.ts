/** Suricata EVE JSON → ECS, as Elastic's `suricata` integration maps it. */
export { normalizeSuricata } from './eve.js';
export { isSuricataEve } from './record.js';
