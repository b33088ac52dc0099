// The identity layer's public face: certificates, validation, resolvers, CMS.
export * from './validation/index.ts';
export * from './resolvers/index.ts';
