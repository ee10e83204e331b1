export { SyslogFramer, stripTrailers, type Frame, type FramerOptions } from './framer.js';
