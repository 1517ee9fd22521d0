// ESM entry for bundlers: exports only; nothing runs on import.
export { init, purchase, referral } from './core';
export type { Api, Options, PurchaseResult, Referral, SkipReason } from './types';
