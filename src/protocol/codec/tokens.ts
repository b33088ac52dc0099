// The token checks of the grammar (docs/protocol.md section 2) that code outside the
// codec needs: extension verbs read atoms and numbers out of values and parameters.
export { isAtom, isExtValue, isUint } from './grammar.internal.ts';
