#!/usr/bin/env node
// Vigil is written in TypeScript and runs through tsx's loader: no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Every command closes what it opened; exiting here also ends idle sockets of client libraries.
process.exit(code);
