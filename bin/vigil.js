#!/usr/bin/env node
// Vigil is written in TypeScript and runs through tsx's loader: no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { endQuietlyWhenReaderCloses, exitAfterFlush } = await import('../cli/exit.ts');
endQuietlyWhenReaderCloses();
const { main } = await import('../cli/main.ts');
await exitAfterFlush(await main(process.argv.slice(2)));
