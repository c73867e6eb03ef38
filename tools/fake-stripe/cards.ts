/** How a test card declines: the fields of Stripe's card_error. */
export interface Decline {
  code: string;
  decline_code?: string;
  message: string;
  param?: string;
}

export interface TestCard {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  decline?: Decline;
}

const visa = (last4: string, decline?: Decline): TestCard => ({
  brand: 'visa',
  last4,
  funding: 'credit',
  country: 'US',
  ...(decline && { decline }),
});

const declined = (declineCode: string, message = 'Your card was declined.'): Decline => ({
  code: 'card_declined',
  decline_code: declineCode,
  message,
});

/** Stripe's test PaymentMethod ids (https://docs.stripe.com/testing); `tok_…` tokens map to the same cards. */
export const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: visa('4242'),
  pm_card_visa_debit: { ...visa('5556'), funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US' },
  pm_card_unionpay: { brand: 'unionpay', last4: '0005', funding: 'credit', country: 'CN' },
  pm_card_jcb: { brand: 'jcb', last4: '0505', funding: 'credit', country: 'JP' },
  pm_card_chargeDeclined: visa('0002', declined('generic_decline')),
  pm_card_chargeDeclinedInsufficientFunds: visa(
    '9995',
    declined('insufficient_funds', 'Your card has insufficient funds.'),
  ),
  pm_card_chargeDeclinedLostCard: visa('9987', declined('lost_card')),
  pm_card_chargeDeclinedStolenCard: visa('9979', declined('stolen_card')),
  pm_card_chargeDeclinedFraudulent: visa('0019', declined('fraudulent')),
  pm_card_chargeDeclinedExpiredCard: visa('0069', {
    code: 'expired_card',
    decline_code: 'expired_card',
    message: 'Your card has expired.',
    param: 'exp_month',
  }),
  pm_card_chargeDeclinedIncorrectCvc: visa('0127', {
    code: 'incorrect_cvc',
    decline_code: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
    param: 'cvc',
  }),
  pm_card_chargeDeclinedProcessingError: visa('0119', {
    code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  }),
  // Real Stripe asks for 3D Secure (requires_action) on session; the stand-in declines it like an off-session payment.
  pm_card_authenticationRequired: visa(
    '3184',
    declined('authentication_required', 'Your card was declined. This transaction requires authentication.'),
  ),
};

export function testCard(id: string): TestCard | undefined {
  const key = id.startsWith('tok_') ? `pm_card_${id.slice(4)}` : id;
  return Object.hasOwn(TEST_CARDS, key) ? TEST_CARDS[key] : undefined;
}

/** `fail(pi, code)`: a decline code (or `card_declined`) → the test card that produces it. */
export function cardForFailure(code: string): string | undefined {
  if (code === 'card_declined' || code === 'generic_decline') return 'pm_card_chargeDeclined';
  return Object.keys(TEST_CARDS).find((id) => {
    const decline = TEST_CARDS[id]!.decline;
    return decline !== undefined && (decline.decline_code === code || decline.code === code);
  });
}

/** Payment method types that confirm into a redirect (`next_action.redirect_to_url`) instead of a charge. */
export const REDIRECT_TYPES = ['wechat_pay', 'alipay', 'crypto'] as const;
export type RedirectType = (typeof REDIRECT_TYPES)[number];
export const isRedirectType = (type: string): type is RedirectType =>
  (REDIRECT_TYPES as readonly string[]).includes(type);
