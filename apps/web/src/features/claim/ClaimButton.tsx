import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/form-errors.ts';
import { splitDuration, useNumberFormat } from '../../lib/format.ts';
import { showToast } from '../../lib/toast.ts';
import { useClaim, useClaimStatus } from './api.ts';

/** Counts down from the server's remainingMs: one end time, a 1 s tick, a re-fetch at zero. */
function useCountdown(remainingMs: number | undefined, dataUpdatedAt: number, onZero: () => void): number {
  const [now, setNow] = useState(() => Date.now());
  const end = remainingMs !== undefined ? dataUpdatedAt + remainingMs : 0;
  const left = Math.max(0, end - now);
  useEffect(() => {
    if (!remainingMs) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [remainingMs, dataUpdatedAt]);
  useEffect(() => {
    if (remainingMs && left === 0) onZero();
  }, [remainingMs, left, onZero]);
  return left;
}

/** Sidebar footer: "Claim 20,000 tokens", or the countdown to the next claim. */
export function ClaimButton() {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const status = useClaimStatus();
  const claim = useClaim();
  const refetch = status.refetch;
  const [zeroHandled, setZeroHandled] = useState(0);
  const left = useCountdown(status.data?.remainingMs, status.dataUpdatedAt, () => {
    if (zeroHandled !== status.dataUpdatedAt) {
      setZeroHandled(status.dataUpdatedAt);
      void refetch();
    }
  });

  const base =
    'focus-ring flex h-9 w-full items-center justify-center gap-2 rounded-xl px-3 text-sm font-medium transition-colors';
  if (status.isPending)
    return (
      <button type="button" disabled className={`${base} bg-subtle text-muted`}>
        {t('credits.loading')}
      </button>
    );
  if (status.isError)
    return (
      <button
        type="button"
        onClick={() => void status.refetch()}
        className={`${base} cursor-pointer bg-subtle text-fg`}
      >
        {t('credits.retry')}
      </button>
    );

  const s = status.data;
  if (!s.canClaim && left > 0) {
    const { h, m, s: sec } = splitDuration(left);
    return (
      <button
        type="button"
        disabled
        className={`${base} cursor-not-allowed bg-subtle text-muted tabular-nums`}
        data-testid="claim-button"
      >
        {t('credits.claimIn', { h, m, s: sec })}
      </button>
    );
  }
  return (
    <button
      type="button"
      data-testid="claim-button"
      disabled={claim.isPending || !s.canClaim}
      aria-busy={claim.isPending || undefined}
      onClick={() =>
        claim.mutate(undefined, {
          onSuccess: (r) => showToast(t('credits.claimed', { amount: nf.format(r.credited) })),
          onError: (e) => showToast(errorMessage(e, t), 'error'),
        })
      }
      className={`${base} cursor-pointer bg-blue-600 text-white hover:bg-blue-700 disabled:opacity-60 dark:bg-blue-500 dark:hover:bg-blue-400`}
    >
      {claim.isPending ? t('credits.claiming') : t('credits.claim', { amount: nf.format(s.amount) })}
    </button>
  );
}

/** "Claim tokens" in the chat's not-enough-credits notice; a claim that went through dismisses it. */
export function ClaimNoticeButton({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const claim = useClaim();
  return (
    <button
      type="button"
      disabled={claim.isPending}
      onClick={() =>
        claim.mutate(undefined, {
          onSuccess: (r) => {
            showToast(t('credits.claimed', { amount: nf.format(r.credited) }));
            onDone();
          },
          onError: (e) => showToast(errorMessage(e, t), 'error'),
        })
      }
      className="focus-ring cursor-pointer rounded-full bg-primary px-3 py-1.5 text-xs font-medium text-primary-fg disabled:opacity-50"
    >
      {t('credits.claimTokens')}
    </button>
  );
}
