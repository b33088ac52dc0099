export * from './store/index.ts';
export * from './routing/index.ts';
export * from './postage/index.ts';
export * from './relay/index.ts';
