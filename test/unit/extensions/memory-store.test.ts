import { MemoryConsentStore } from '../../../src/extensions/index.ts';
import { describeConsentStore } from './fixtures/store-contract.ts';

describeConsentStore('MemoryConsentStore', () => new MemoryConsentStore());
