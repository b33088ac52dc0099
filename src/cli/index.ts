export { main as mt2Main } from './mt2.ts';
export { dispatch, CliUsageError, type CliCommand, type CliIo } from './command.ts';
export { main as mt2dMain } from './mt2d.ts';
