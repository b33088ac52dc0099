export * from './views.ts';
export * from './events.ts';
export * from './errors.ts';
export * from './methods.ts';
export * from './validate.ts';
export * from './transport.ts';
