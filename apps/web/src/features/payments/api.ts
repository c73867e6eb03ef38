import type {
  CreateIntentRequest,
  CreateIntentResponse,
  PaymentOptions,
  Purchase,
  PurchaseList,
  PurchaseStatus,
} from '@tessera/shared';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';
import { useConfig } from '../auth/hooks.ts';
import { refreshCredits } from '../../lib/balance.ts';

export const paymentKeys = {
  all: ['payments'] as const,
  options: ['payments', 'options'] as const,
  list: ['payments', 'list'] as const,
  purchase: (paymentIntentId: string) => ['payments', 'purchase', paymentIntentId] as const,
};

/** `GET /api/config` says whether Stripe is configured; "Buy tokens" is offered only then. */
export function usePaymentsEnabled(): boolean {
  return useConfig().data?.payments === true;
}

export function usePaymentOptions() {
  return useQuery({
    queryKey: paymentKeys.options,
    queryFn: ({ signal }) => request<PaymentOptions>('/api/payments/packages', { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useCreateIntent() {
  return useMutation({
    mutationFn: (body: CreateIntentRequest) =>
      request<CreateIntentResponse>('/api/payments/intents', { method: 'POST', body }),
  });
}

export function usePurchases() {
  return useQuery({
    queryKey: paymentKeys.list,
    queryFn: ({ signal }) => request<PurchaseList>('/api/payments', { signal }),
  });
}

/** Statuses of a purchase whose money arrived (credits went in, possibly taken back later). */
export const PAID_STATUSES: readonly PurchaseStatus[] = ['succeeded', 'partially_refunded', 'refunded', 'disputed'];

export function isPaid(purchase: Purchase): boolean {
  return PAID_STATUSES.includes(purchase.status);
}

/**
 * One purchase, re-read every second while `poll` says so (the webhook that credits it may arrive
 * a moment after Stripe confirmed the payment in the browser).
 */
export function usePurchase(paymentIntentId: string | null, poll: (purchase: Purchase | undefined) => boolean) {
  return useQuery({
    queryKey: paymentKeys.purchase(paymentIntentId ?? ''),
    queryFn: ({ signal }) =>
      request<Purchase>(`/api/payments/${encodeURIComponent(paymentIntentId ?? '')}`, { signal }),
    enabled: paymentIntentId !== null,
    staleTime: 0,
    refetchInterval: (query) => (poll(query.state.data) ? 1000 : false),
    refetchIntervalInBackground: true,
  });
}

/** Credits went in: the balance, the credit history and the purchase list are out of date. */
export function refreshAfterPurchase(qc: QueryClient): void {
  refreshCredits(qc);
  void qc.invalidateQueries({ queryKey: paymentKeys.list });
}

export function useRefreshAfterPurchase(): () => void {
  const qc = useQueryClient();
  return () => refreshAfterPurchase(qc);
}
