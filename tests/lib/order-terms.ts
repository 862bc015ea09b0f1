/** Order terms as the sample content's rate table gives them, for tests of recorded terms. */
import type { LineTermsRow } from '../../domain/orders/terms.ts';

/** A kitchen product at amazon-us on or after 2026-10-01: 450 bps from the shared table's category rate. */
export const KITCHEN_TERMS = {
  category: 'kitchen',
  rate_bps: 450,
  rate_source: 'category',
  rate_retailer: 'amazon-us',
  rate_effective_from: '2026-10-01',
  rate_program: null,
} as const satisfies Partial<LineTermsRow>;
