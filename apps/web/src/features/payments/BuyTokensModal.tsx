import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type {
  PaymentIntentResult,
  Stripe,
  StripeElementsOptions,
  StripePaymentElementOptions,
} from '@stripe/stripe-js';
import type { CreateIntentResponse, CreditPackage, PaymentMethod, PaymentOptions } from '@tessera/shared';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { Alert } from '../../components/ui/Alert.tsx';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { CheckIcon } from '../../components/ui/icons.tsx';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { useCreateIntent, usePaymentOptions } from './api.ts';
import { describeStripeError, paymentApiErrorMessage, type PaymentProblem } from './errors.ts';
import { useMoneyFormat, useNumberFormat } from '../../lib/format.ts';
import { newCheckoutId } from './checkout-id.ts';
import { METHOD_MARKS } from './icons.tsx';
import { PurchaseWaiter } from './PurchaseResult.tsx';
import { getStripe, stripeAppearance, stripeLocale, useIsDark } from './stripe.ts';

/**
 * The checkout in progress, kept across openings of the modal: the same package and method (a
 * retry, a double click, closing and reopening) reuse its checkoutId and so the same PaymentIntent;
 * another package or method starts a new checkout.
 */
let checkout: { packageId: string; method: PaymentMethod; checkoutId: string } | null = null;

function checkoutIdFor(packageId: string, method: PaymentMethod): string {
  if (checkout?.packageId !== packageId || checkout.method !== method)
    checkout = { packageId, method, checkoutId: newCheckoutId() };
  return checkout.checkoutId;
}

/** Redirect-based methods leave the page to approve the payment and come back to /payments/return. */
const REDIRECTS: ReadonlySet<PaymentMethod> = new Set(['wechat_pay', 'alipay', 'crypto']);

const PAYMENT_ELEMENT_OPTIONS: StripePaymentElementOptions = {
  layout: 'tabs',
  wallets: { applePay: 'auto', googlePay: 'auto' },
};

type Step =
  | { name: 'choose' }
  | { name: 'pay'; pkg: CreditPackage; method: PaymentMethod; intent: CreateIntentResponse }
  | { name: 'done'; paymentIntentId: string };

/** A card-like radio: a visually hidden native radio inside a label (arrow keys, one Tab stop). */
function RadioCard({
  name,
  value,
  checked,
  onChange,
  label,
  describedBy,
  className,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  describedBy: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label
      className={cn(
        'relative flex cursor-pointer rounded-2xl border bg-elevated transition-colors',
        'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent',
        checked ? 'border-accent ring-1 ring-accent' : 'border-line hover:border-line-strong dark:hover:border-faint',
        className,
      )}
      data-checked={checked || undefined}
    >
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={onChange}
        aria-label={label}
        aria-describedby={describedBy}
        className="sr-only"
      />
      {children}
      <span
        aria-hidden="true"
        className={cn(
          'absolute top-3 right-3 inline-flex size-5 items-center justify-center rounded-full border',
          checked ? 'border-accent bg-accent text-accent-fg' : 'border-line-strong',
        )}
      >
        {checked ? <CheckIcon className="size-3" strokeWidth={3} /> : null}
      </span>
    </label>
  );
}

function PackageCard({
  pkg,
  checked,
  onChange,
  name,
}: {
  pkg: CreditPackage;
  checked: boolean;
  onChange: () => void;
  name: string;
}) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const money = useMoneyFormat();
  const detailsId = useId();
  return (
    <RadioCard
      name={name}
      value={pkg.id}
      checked={checked}
      onChange={onChange}
      label={t('payments.credits', { value: nf.format(pkg.credits) })}
      describedBy={detailsId}
      className={cn('flex-col p-3 pt-4 sm:p-4 sm:pt-5', checked && 'bg-accent-soft/60 dark:bg-accent-soft/40')}
    >
      {pkg.popular ? (
        <span className="absolute -top-2.5 left-4 rounded-full bg-accent px-2 py-0.5 text-[11px] font-semibold tracking-wide text-accent-fg uppercase">
          {t('payments.popular')}
        </span>
      ) : null}
      <span className="pr-7 text-xl font-semibold tracking-tight text-fg tabular-nums sm:text-2xl">
        {nf.format(pkg.credits)}
      </span>
      <span className="text-sm text-muted">{t('payments.creditsUnit')}</span>
      <span id={detailsId} className="mt-3 flex flex-1 flex-col gap-1">
        {pkg.popular ? <span className="sr-only">{t('payments.popular')}.</span> : null}
        <span className="flex flex-wrap items-baseline gap-x-2">
          <span className="text-lg font-semibold text-fg tabular-nums">{money(pkg.amount, pkg.currency)}</span>
          {pkg.discountPercent > 0 ? (
            <span className="text-sm text-faint tabular-nums">
              <span className="sr-only">{t('payments.originalPrice')} </span>
              <s>{money(pkg.originalAmount, pkg.currency)}</s>
            </span>
          ) : null}
        </span>
        <span className="flex min-h-5 flex-wrap items-center gap-2">
          {pkg.discountPercent > 0 ? (
            <span className="rounded-md bg-green-100 px-1.5 py-0.5 text-xs font-semibold text-green-800 dark:bg-green-400/15 dark:text-green-300">
              {t('payments.save', { percent: pkg.discountPercent })}
            </span>
          ) : null}
        </span>
        <span className="mt-auto pt-1 text-xs text-muted tabular-nums">
          {t('payments.per100k', { price: money(pkg.pricePer100k, pkg.currency) })}
        </span>
      </span>
    </RadioCard>
  );
}

function MethodTile({
  method,
  checked,
  onChange,
  name,
}: {
  method: PaymentMethod;
  checked: boolean;
  onChange: () => void;
  name: string;
}) {
  const { t } = useTranslation();
  const hintId = useId();
  const Mark = METHOD_MARKS[method];
  return (
    <RadioCard
      name={name}
      value={method}
      checked={checked}
      onChange={onChange}
      label={t(`payments.method.${method}`)}
      describedBy={hintId}
      className={cn('items-center gap-3 p-3 pr-10', checked && 'bg-accent-soft/60 dark:bg-accent-soft/40')}
    >
      <Mark className="size-8 shrink-0" />
      <span className="min-w-0">
        <span className="block text-sm font-medium text-fg">{t(`payments.method.${method}`)}</span>
        <span id={hintId} className="block text-xs text-muted">
          {t(`payments.methodHint.${method}`)}
        </span>
      </span>
    </RadioCard>
  );
}

function ChooseStep({
  options,
  onContinue,
}: {
  options: PaymentOptions;
  onContinue: (pkg: CreditPackage, method: PaymentMethod, intent: CreateIntentResponse) => void;
}) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const money = useMoneyFormat();
  const create = useCreateIntent();
  const groupName = useId();
  const packagesTitle = useId();
  const methodsTitle = useId();
  const [packageId, setPackageId] = useState(() =>
    options.packages.some((p) => p.id === checkout?.packageId) ? checkout!.packageId : options.defaultPackageId,
  );
  const [method, setMethod] = useState<PaymentMethod | undefined>(() =>
    checkout && options.methods.includes(checkout.method) ? checkout.method : options.methods[0],
  );
  const pkg = options.packages.find((p) => p.id === packageId) ?? options.packages[0];
  const packagesRef = useRef<HTMLDivElement>(null);

  // Start on the selected package: arrow keys change it straight away.
  useEffect(() => {
    packagesRef.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
  }, []);

  // Stripe.js is needed on the next step: start loading it now.
  useEffect(() => {
    void getStripe(options.publishableKey).catch(() => undefined);
  }, [options.publishableKey]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pkg || !method || create.isPending) return;
    const body = { packageId: pkg.id, paymentMethod: method, checkoutId: checkoutIdFor(pkg.id, method) };
    create.mutate(body, {
      onSuccess: (intent) => onContinue(pkg, method, intent),
      onError: () => {
        // A checkout id the server tied to something else is spent: the next attempt starts afresh.
        checkout = null;
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate className="flex min-h-0 flex-1 flex-col">
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto w-full max-w-4xl space-y-8 px-4 py-6 sm:px-6 sm:py-8">
          <section className="space-y-3">
            <h3 id={packagesTitle} className="text-base font-semibold text-fg">
              {t('payments.packages')}
            </h3>
            <div
              ref={packagesRef}
              role="radiogroup"
              aria-labelledby={packagesTitle}
              className="grid grid-cols-2 gap-3 pt-2 lg:grid-cols-4"
            >
              {options.packages.map((p) => (
                <PackageCard
                  key={p.id}
                  pkg={p}
                  name={`${groupName}-package`}
                  checked={p.id === pkg?.id}
                  onChange={() => setPackageId(p.id)}
                />
              ))}
            </div>
          </section>

          <section className="space-y-3">
            <h3 id={methodsTitle} className="text-base font-semibold text-fg">
              {t('payments.methods')}
            </h3>
            {options.methods.length === 0 ? (
              <Alert tone="info">{t('payments.noMethods')}</Alert>
            ) : (
              <div role="radiogroup" aria-labelledby={methodsTitle} className="grid gap-3 sm:grid-cols-2">
                {options.methods.map((m) => (
                  <MethodTile
                    key={m}
                    method={m}
                    name={`${groupName}-method`}
                    checked={m === method}
                    onChange={() => setMethod(m)}
                  />
                ))}
              </div>
            )}
          </section>
        </div>
      </div>

      <div className="shrink-0 border-t border-line bg-app pb-[env(safe-area-inset-bottom)]">
        <div className="mx-auto w-full max-w-4xl space-y-3 px-4 py-3 sm:px-6">
          {create.isError ? <Alert>{paymentApiErrorMessage(create.error, t)}</Alert> : null}
          <div className="flex items-center gap-3">
            <p className="min-w-0 flex-1 text-sm text-muted" data-testid="checkout-summary">
              {pkg ? (
                <>
                  <span className="font-semibold text-fg tabular-nums">
                    {t('payments.credits', { value: nf.format(pkg.credits) })}
                  </span>
                  <span aria-hidden="true"> · </span>
                  <span className="tabular-nums">{money(pkg.amount, pkg.currency)}</span>
                </>
              ) : null}
            </p>
            <Button type="submit" size="lg" loading={create.isPending} disabled={!pkg || !method}>
              {create.isPending ? t('payments.preparing') : t('payments.continue')}
            </Button>
          </div>
        </div>
      </div>
    </form>
  );
}

function PayForm({
  method,
  intent,
  onBusy,
  onPaid,
  onAnnounce,
  onReload,
}: {
  method: PaymentMethod;
  intent: CreateIntentResponse;
  onBusy: (busy: boolean) => void;
  onPaid: (paymentIntentId: string) => void;
  onAnnounce: (text: string) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const money = useMoneyFormat();
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PaymentProblem | null>(null);
  const busyRef = useRef(false);

  const setBusyBoth = (value: boolean) => {
    busyRef.current = value;
    setBusy(value);
    onBusy(value);
  };

  const pay = async () => {
    if (!stripe || !elements || busyRef.current) return;
    setBusyBoth(true);
    setProblem(null);
    onAnnounce(t('payments.live.processing'));
    let result: PaymentIntentResult;
    try {
      result = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: `${window.location.origin}/payments/return` },
        redirect: 'if_required',
      });
    } catch {
      result = { error: { type: 'api_connection_error' } };
    }
    if (result.error) {
      setProblem(describeStripeError(result.error, t));
      setBusyBoth(false);
      return;
    }
    const pi = result.paymentIntent;
    if (pi.status === 'succeeded' || pi.status === 'processing' || pi.status === 'requires_capture') {
      busyRef.current = false;
      onPaid(pi.id);
      return;
    }
    // Declined after all (or a method Stripe could not complete): say why, keep the form.
    setProblem(describeStripeError(pi.last_payment_error ?? { type: 'card_error' }, t));
    setBusyBoth(false);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void pay();
  };

  const price = money(intent.amount, intent.currency);
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-busy={busy || undefined}>
      {loadError ? (
        <Alert>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <span>{t('payments.formLoadError')}</span>
            <Button size="sm" variant="secondary" onClick={onReload}>
              {t('payments.retry')}
            </Button>
          </div>
        </Alert>
      ) : null}
      <div className="relative min-h-24">
        {!ready && !loadError ? (
          <div role="status" className="absolute inset-0 flex items-center justify-center gap-2 text-sm text-muted">
            <Spinner />
            {t('payments.loadingForm')}
          </div>
        ) : null}
        <PaymentElement
          options={PAYMENT_ELEMENT_OPTIONS}
          onReady={() => setReady(true)}
          onLoadError={() => setLoadError(true)}
          className={cn(!ready && 'invisible')}
        />
      </div>

      {problem ? (
        <Alert>
          <div className="flex flex-wrap items-center justify-between gap-3" data-testid="payment-error">
            <span>{problem.message}</span>
            {problem.retry ? (
              <Button size="sm" variant="secondary" onClick={() => void pay()}>
                {t('payments.retry')}
              </Button>
            ) : null}
          </div>
        </Alert>
      ) : null}

      {REDIRECTS.has(method) ? (
        <p className="text-sm text-muted">{t('payments.redirectNote', { method: t(`payments.method.${method}`) })}</p>
      ) : null}

      <Button type="submit" size="lg" className="w-full" loading={busy} disabled={!ready || !stripe || !elements}>
        {busy ? t('payments.processing') : t('payments.pay', { price })}
      </Button>
      <p className="text-center text-xs text-faint">{t('payments.secure')}</p>
    </form>
  );
}

function PayStep({
  publishableKey,
  pkg,
  method,
  intent,
  onBack,
  onBusy,
  onPaid,
  onAnnounce,
}: {
  publishableKey: string;
  pkg: CreditPackage;
  method: PaymentMethod;
  intent: CreateIntentResponse;
  onBack: () => void;
  onBusy: (busy: boolean) => void;
  onPaid: (paymentIntentId: string) => void;
  onAnnounce: (text: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const nf = useNumberFormat();
  const money = useMoneyFormat();
  const dark = useIsDark();
  const [stripe, setStripe] = useState<Stripe | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [reloads, setReloads] = useState(0);
  const [busy, setBusy] = useState(false);
  const Mark = METHOD_MARKS[method];

  useEffect(() => {
    let current = true;
    setLoadFailed(false);
    getStripe(publishableKey).then(
      (s) => {
        if (!current) return;
        if (s) setStripe(s);
        else setLoadFailed(true);
      },
      () => {
        if (current) setLoadFailed(true);
      },
    );
    return () => {
      current = false;
    };
  }, [publishableKey, reloads]);

  const language = i18n.resolvedLanguage ?? i18n.language;
  const elementsOptions = useMemo<StripeElementsOptions>(
    () => ({ clientSecret: intent.clientSecret, appearance: stripeAppearance(dark), locale: stripeLocale(language) }),
    [intent.clientSecret, dark, language],
  );

  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-lg space-y-5 px-4 py-6 sm:px-6 sm:py-8">
        <h3 ref={heading} tabIndex={-1} className="text-base font-semibold text-fg outline-none">
          {t('payments.payTitle')}
        </h3>
        <div
          className="flex items-center gap-3 rounded-2xl border border-line bg-elevated p-4"
          data-testid="order-summary"
        >
          <Mark className="size-9 shrink-0" />
          <div className="min-w-0 flex-1">
            <p className="font-semibold text-fg tabular-nums">
              {t('payments.credits', { value: nf.format(pkg.credits) })}
            </p>
            <p className="text-sm text-muted">
              {t(`payments.method.${method}`)}
              <span aria-hidden="true"> · </span>
              <span className="tabular-nums">{money(intent.amount, intent.currency)}</span>
            </p>
          </div>
          <Button variant="secondary" size="sm" onClick={onBack} disabled={busy}>
            {t('payments.change')}
          </Button>
        </div>

        {loadFailed ? (
          <Alert>
            <div className="flex flex-wrap items-center justify-between gap-3">
              <span>{t('payments.formLoadError')}</span>
              <Button size="sm" variant="secondary" onClick={() => setReloads((n) => n + 1)}>
                {t('payments.retry')}
              </Button>
            </div>
          </Alert>
        ) : stripe ? (
          <Elements key={`${intent.clientSecret}-${reloads}`} stripe={stripe} options={elementsOptions}>
            <PayForm
              method={method}
              intent={intent}
              onBusy={(b) => {
                setBusy(b);
                onBusy(b);
              }}
              onPaid={onPaid}
              onAnnounce={onAnnounce}
              onReload={() => setReloads((n) => n + 1)}
            />
          </Elements>
        ) : (
          <div role="status" className="flex items-center justify-center gap-2 py-10 text-sm text-muted">
            <Spinner />
            {t('payments.loadingForm')}
          </div>
        )}
      </div>
    </div>
  );
}

/** "Buy tokens": packages → method → Stripe's Payment Element → receipt. Lazy-loaded. */
export default function BuyTokensModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const options = usePaymentOptions();
  const [step, setStep] = useState<Step>({ name: 'choose' });
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState('');

  const announce = (text: string) => setLive(text);

  let body: ReactNode;
  if (options.isPending) {
    body = (
      <div role="status" className="flex flex-1 items-center justify-center text-muted">
        <Spinner className="size-6" />
        <span className="sr-only">{t('app.loading')}</span>
      </div>
    );
  } else if (options.isError) {
    body = (
      <div className="mx-auto w-full max-w-lg space-y-3 px-4 py-8">
        <Alert>{paymentApiErrorMessage(options.error, t)}</Alert>
        <div className="flex justify-center">
          <Button variant="secondary" onClick={() => void options.refetch()}>
            {t('payments.retry')}
          </Button>
        </div>
      </div>
    );
  } else if (step.name === 'choose') {
    body = (
      <ChooseStep
        options={options.data}
        onContinue={(pkg, method, intent) => setStep({ name: 'pay', pkg, method, intent })}
      />
    );
  } else if (step.name === 'pay') {
    body = (
      <PayStep
        publishableKey={options.data.publishableKey}
        pkg={step.pkg}
        method={step.method}
        intent={step.intent}
        onBack={() => setStep({ name: 'choose' })}
        onBusy={setBusy}
        onAnnounce={announce}
        onPaid={(paymentIntentId) => {
          // This checkout is paid: the next purchase starts a new one.
          checkout = null;
          setBusy(false);
          announce(t('payments.confirming'));
          setStep({ name: 'done', paymentIntentId });
        }}
      />
    );
  } else {
    body = (
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto w-full max-w-lg px-4 py-8 sm:px-6">
          <PurchaseWaiter
            paymentIntentId={step.paymentIntentId}
            expectSuccess
            onAnnounce={announce}
            receiptActions={
              <>
                <Button onClick={onClose}>{t('payments.receipt.done')}</Button>
                <Button variant="secondary" onClick={() => setStep({ name: 'choose' })}>
                  {t('payments.receipt.buyMore')}
                </Button>
                <Link
                  href="/credits?tab=purchases"
                  onClick={onClose}
                  className="focus-ring inline-flex h-10 items-center rounded-xl px-4 text-sm font-medium text-accent hover:bg-subtle"
                >
                  {t('payments.receipt.viewPurchases')}
                </Link>
              </>
            }
          />
        </div>
      </div>
    );
  }

  return (
    <Dialog
      variant="fullscreen"
      open
      title={t('payments.title')}
      description={t('payments.subtitle')}
      onClose={onClose}
      closable={!busy}
      closeLabel={t('payments.close')}
      // The opener may be gone (the mobile drawer closes): then the main region takes focus.
      fallbackFocusId="main"
    >
      {body}
      <div aria-live="polite" className="sr-only" data-testid="payments-live">
        {live}
      </div>
    </Dialog>
  );
}
