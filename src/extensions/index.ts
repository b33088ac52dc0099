export * from './oids.ts';
export * from './hashcash/index.ts';
