/** The ingest stage's public surface: inputs, the per-input pipeline, and the building blocks other stages and tools reuse. */
export { startIngestStage } from './stage.js';
export { INPUTS, startInput, type InputDeps, type InputType, type RunningInput } from './inputs/registry.js';
export { createFramePublisher, type FramePublisher, type FramePublisherOptions, type IngestFrame } from './frame-publisher.js';
export * from './inputs/syslog/index.js';
export { SyslogFramer, stripTrailers, type Frame, type FramerOptions } from './framing/index.js';
export { parseSyslog, parseRfc5424, parseRfc3164, type SyslogRecord, type ParseResult, type ParseOptions } from './parsers/index.js';
export { normalizeSyslog, VENDORS, type NormalizeContext, type VendorFields } from './normalize/index.js';
