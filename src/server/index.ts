export * from './store/index.ts';
export * from './routing/index.ts';
export * from './postage/index.ts';
