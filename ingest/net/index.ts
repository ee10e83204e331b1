export { guardConnections, type ConnectionGuard, type ConnectionLimits, type CloseReason } from './limits.js';
export {
  guardHttp,
  admitRequest,
  BUSY_HEADERS,
  BUSY_RETRY_AFTER_SECONDS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  type HttpTimeouts,
} from './http.js';
export { ByteBudget, BudgetLease } from './budget.js';
export { CONNECTION_LIMIT_DEFAULTS, connectionLimitsOf, connectionLimitProblems, assertConnectionLimits } from './config.js';
export { peerOf } from './peer.js';
export { BodyTooLarge, readBody, sendJson } from './body.js';
export { RequestDedup } from './dedup.js';
export { listenerTlsOptions, splunkListenerTlsOptions } from './tls.js';
export { listenOn } from './listen.js';
export { streamServer, type StreamServer, type StreamServerOptions } from './stream-server.js';
