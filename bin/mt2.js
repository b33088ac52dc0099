#!/usr/bin/env node
// Entry point of the `mt2` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/mt2.ts');
process.exitCode = await main(process.argv.slice(2));
