import type { Feature } from '../shell/slots.tsx';
import { ClaimButton, ClaimNoticeButton } from './ClaimButton.tsx';

/** Claim Tokens: the sidebar button with its countdown, and the notice's "Claim tokens". */
export const claimFeature: Feature = {
  id: 'claim',
  sidebarFooter: ClaimButton,
  outOfCredits: ClaimNoticeButton,
};
