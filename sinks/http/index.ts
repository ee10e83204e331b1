export {
  startHttpSink,
  openHttpDelivery,
  createHttpDeliver,
  authHeader,
  type StartHttpSinkOptions,
  type HttpDeliveryOptions,
} from './sink.js';
export { schema, withHttpSinkDefaults, HTTP_SINK_DEFAULTS, type HttpSinkConfig } from './config.js';
export { classifyAnswer, retryAfterMs, type HttpAnswer, type HttpVerdict } from './classify.js';
export { httpClient, type HttpTransport } from './client.js';
