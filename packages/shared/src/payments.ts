import { z } from 'zod';
import { PAYMENT_METHODS, PURCHASE_STATUSES } from './constants.ts';

export const paymentMethodSchema = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

/** A package of credits for sale. Money is in the currency's minor unit (fen for CNY, cents for USD). */
export const creditPackageSchema = z.object({
  id: z.string(),
  credits: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  /** What these credits cost at the base rate (the smallest package's price per credit). */
  originalAmount: z.number().int(),
  /** Whole percent saved against originalAmount; 0 for none. */
  discountPercent: z.number().int(),
  /** Price of 100,000 credits in this package, minor units (may be fractional). */
  pricePer100k: z.number(),
  popular: z.boolean(),
});
export type CreditPackage = z.infer<typeof creditPackageSchema>;

export const paymentOptionsSchema = z.object({
  publishableKey: z.string(),
  currency: z.string(),
  packages: z.array(creditPackageSchema),
  /** Methods Stripe supports for this currency and country, in display order. */
  methods: z.array(paymentMethodSchema),
  /** The package selected when the modal opens. */
  defaultPackageId: z.string(),
});
export type PaymentOptions = z.infer<typeof paymentOptionsSchema>;

export const createIntentRequestSchema = z.strictObject({
  packageId: z.string().min(1).max(100),
  paymentMethod: paymentMethodSchema,
  /** Made by the client once per checkout: a retry or double click reuses the same PaymentIntent. */
  checkoutId: z
    .string()
    .min(8)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_"'),
});
export type CreateIntentRequest = z.infer<typeof createIntentRequestSchema>;

export const createIntentResponseSchema = z.object({
  paymentIntentId: z.string(),
  clientSecret: z.string(),
  amount: z.number().int(),
  currency: z.string(),
});
export type CreateIntentResponse = z.infer<typeof createIntentResponseSchema>;

export const purchaseStatusSchema = z.enum(PURCHASE_STATUSES);
export type PurchaseStatus = z.infer<typeof purchaseStatusSchema>;

export const purchaseSchema = z.object({
  id: z.string(),
  paymentIntentId: z.string().nullable(),
  packageId: z.string(),
  credits: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  paymentMethod: paymentMethodSchema,
  status: purchaseStatusSchema,
  /** Credits added to the balance by this purchase. */
  creditedCredits: z.number().int(),
  /** Credits taken back by refunds and disputes. */
  reversedCredits: z.number().int(),
  /** Minor units refunded. */
  refundedAmount: z.number().int(),
  /** Stripe's error code of the last failed attempt (card_declined, …). */
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  createdAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
});
export type Purchase = z.infer<typeof purchaseSchema>;

export const purchaseListSchema = z.object({ items: z.array(purchaseSchema) });
export type PurchaseList = z.infer<typeof purchaseListSchema>;

export const paymentIntentParamsSchema = z.strictObject({
  paymentIntentId: z.string().regex(/^pi_[A-Za-z0-9_]+$/, 'a PaymentIntent id (pi_…)'),
});
