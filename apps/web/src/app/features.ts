import { ModelPicker } from '../features/chat/ModelPicker.tsx';
import { claimFeature } from '../features/claim/feature.ts';
import { creditsFeature } from '../features/credits/feature.ts';
import { paymentsFeature } from '../features/payments/feature.tsx';
import type { Feature } from '../features/shell/slots.tsx';

/**
 * The features the shell shows, in order (the sidebar footer reads: balance, claim, buy). A feature
 * is removed by deleting its folder and its line here (and in the list).
 */
export const FEATURES: readonly Feature[] = [
  { id: 'chat', header: ModelPicker },
  creditsFeature,
  claimFeature,
  paymentsFeature,
];
