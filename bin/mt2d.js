#!/usr/bin/env node
// Entry point of the `mt2d` command (the MT2 server): runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/mt2d.ts');
process.exitCode = await main(process.argv.slice(2));
