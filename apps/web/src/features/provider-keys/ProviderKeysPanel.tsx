import { PROVIDER_KEY_MAX_LENGTH, putProviderKeySchema, type ProviderKey } from '@tessera/shared';
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { AlertIcon, EyeIcon, EyeOffIcon, KeyIcon, TrashIcon } from '../../components/ui/icons.tsx';
import { inputClass } from '../../components/ui/Input.tsx';
import { ListEmpty, ListLoadFailed, ListLoading } from '../../components/ui/ListStates.tsx';
import { isApiError } from '../../lib/api.ts';
import { errorMessage } from '../../lib/form-errors.ts';
import { useDateTimeFormat } from '../../lib/use-date-time-format.ts';
import { takeProviderKeyFocus } from './focus.ts';
import { useProviderKeys, useRemoveProviderKey, useSaveProviderKey } from './hooks.ts';

type Feedback = { tone: 'error' | 'done'; text: string } | null;

function KeyStatus({ providerKey }: { providerKey: ProviderKey }) {
  const { t } = useTranslation();
  const date = useDateTimeFormat();
  if (providerKey.status === 'unreadable') {
    return (
      <p className="flex items-start gap-1.5 text-sm text-danger">
        <AlertIcon className="mt-0.5 size-4 shrink-0" />
        {t('providerKeys.unreadable')}
      </p>
    );
  }
  if (providerKey.status === 'none') return <p className="text-sm text-muted">{t('providerKeys.noKey')}</p>;
  return (
    <p className="text-sm text-muted">
      <span className="font-medium text-fg">
        {providerKey.hint ? (
          <>
            {t('providerKeys.savedEnding')}{' '}
            <code className="font-mono">
              <span aria-hidden="true">····</span>
              {providerKey.hint}
            </code>
          </>
        ) : (
          t('providerKeys.saved')
        )}
      </span>
      {providerKey.updatedAt
        ? ` · ${t('providerKeys.updatedAt', { date: date.format(new Date(providerKey.updatedAt)) })}`
        : null}
    </p>
  );
}

function KeyRow({
  providerKey,
  inputRef,
}: {
  providerKey: ProviderKey;
  inputRef: RefObject<HTMLInputElement | null> | ((el: HTMLInputElement | null) => void);
}) {
  const { t } = useTranslation();
  const id = useId();
  const [value, setValue] = useState('');
  const [visible, setVisible] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const save = useSaveProviderKey();
  const remove = useRemoveProviderKey();
  const name = providerKey.name;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = putProviderKeySchema.safeParse({ apiKey: value });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setFeedback({
        tone: 'error',
        text:
          issue?.code === 'too_small'
            ? t('providerKeys.required')
            : issue?.code === 'too_big'
              ? t('validation.tooLong', { count: PROVIDER_KEY_MAX_LENGTH })
              : t('providerKeys.invalid'),
      });
      return;
    }
    setFeedback(null);
    save.mutate(
      { endpointId: providerKey.endpointId, apiKey: parsed.data.apiKey },
      {
        onSuccess: () => {
          setValue('');
          setVisible(false);
          setFeedback({ tone: 'done', text: t('providerKeys.savedNotice', { name }) });
        },
        onError: (error) =>
          setFeedback({
            tone: 'error',
            text:
              isApiError(error) && error.code === 'VALIDATION_ERROR'
                ? t('providerKeys.invalid')
                : errorMessage(error, t),
          }),
      },
    );
  };

  const onRemove = () => {
    setFeedback(null);
    remove.mutate(providerKey, {
      onSuccess: () => setFeedback({ tone: 'done', text: t('providerKeys.removedNotice', { name }) }),
      onError: (error) => setFeedback({ tone: 'error', text: errorMessage(error, t) }),
    });
  };

  const canRemove = providerKey.status !== 'none';
  const errorId = `${id}-feedback`;
  return (
    <li className="space-y-3 px-4 py-4" data-testid="provider-key-row" data-endpoint={providerKey.endpointId}>
      <div className="flex items-start gap-3">
        <span className="hidden size-9 shrink-0 items-center justify-center rounded-lg bg-subtle text-muted sm:inline-flex">
          <KeyIcon className="size-[18px]" />
        </span>
        <div className="min-w-0 flex-1 space-y-0.5">
          <h4 id={`${id}-name`} className="truncate font-medium text-fg">
            {name}
          </h4>
          <KeyStatus providerKey={providerKey} />
          <p className="text-xs text-muted">
            {providerKey.billing === 'free' ? t('providerKeys.billingFree') : t('providerKeys.billingCredits')}
          </p>
        </div>
      </div>
      <form noValidate onSubmit={onSubmit} className="space-y-2 sm:pl-12">
        <label htmlFor={`${id}-input`} className="sr-only">
          {t('providerKeys.inputLabel', { name })}
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <div className="relative min-w-0 flex-[1_1_14rem]">
            <input
              ref={inputRef}
              id={`${id}-input`}
              name={`provider-key-${providerKey.endpointId}`}
              type={visible ? 'text' : 'password'}
              // A lone password field: keep the browser from filling in the Tessera password.
              autoComplete="new-password"
              data-1p-ignore=""
              data-lpignore="true"
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              maxLength={PROVIDER_KEY_MAX_LENGTH + 100}
              placeholder={canRemove ? t('providerKeys.replacePlaceholder') : t('providerKeys.placeholder')}
              value={value}
              aria-invalid={feedback?.tone === 'error' ? true : undefined}
              aria-describedby={feedback ? errorId : undefined}
              onChange={(e) => {
                setValue(e.target.value);
                if (feedback?.tone === 'error') setFeedback(null);
              }}
              className={cn(inputClass, 'h-10 pr-11 sm:text-sm', value !== '' && 'font-mono')}
            />
            <button
              type="button"
              onClick={() => setVisible((v) => !v)}
              aria-label={visible ? t('providerKeys.hide') : t('providerKeys.show')}
              aria-pressed={visible}
              className="focus-ring absolute top-1/2 right-1 inline-flex size-8 -translate-y-1/2 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
            >
              {visible ? <EyeOffIcon className="size-4" /> : <EyeIcon className="size-4" />}
            </button>
          </div>
          <div className="flex gap-2">
            <Button type="submit" loading={save.isPending} aria-describedby={`${id}-name`}>
              {save.isPending ? t('providerKeys.saving') : t('providerKeys.save')}
            </Button>
            {canRemove ? (
              <Button
                variant="ghost"
                loading={remove.isPending}
                icon={<TrashIcon className="size-4" />}
                aria-label={t('providerKeys.removeNamed', { name })}
                onClick={onRemove}
                className="text-muted hover:text-danger"
              >
                {t('providerKeys.remove')}
              </Button>
            ) : null}
          </div>
        </div>
        <p
          id={errorId}
          role={feedback?.tone === 'error' ? 'alert' : 'status'}
          className={cn('text-sm empty:hidden', feedback?.tone === 'error' ? 'text-danger' : 'text-accent')}
        >
          {feedback?.text ?? ''}
        </p>
      </form>
    </li>
  );
}

/** Settings → Provider keys: the user's own keys for endpoints configured with `apiKey: user_provided`. */
export function ProviderKeysPanel() {
  const { t } = useTranslation();
  const keys = useProviderKeys();
  const inputs = useRef(new Map<string, HTMLInputElement | null>());
  const [focusOn] = useState(takeProviderKeyFocus);

  useEffect(() => {
    if (!focusOn || !keys.data) return;
    const input = inputs.current.get(focusOn);
    // After the dialog's own opening focus (showModal focuses its first control), not before it.
    const frame = requestAnimationFrame(() => {
      input?.scrollIntoView({ block: 'nearest' });
      input?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusOn, keys.data]);

  return (
    <div className="space-y-6">
      <p className="text-sm text-muted">{t('providerKeys.description')}</p>
      {keys.isPending ? (
        <ListLoading label={t('app.loading')} spinnerClassName="size-5" />
      ) : keys.isError ? (
        <ListLoadFailed retryLabel={t('providerKeys.retry')} onRetry={() => void keys.refetch()}>
          {t('providerKeys.loadError')} {errorMessage(keys.error, t)}
        </ListLoadFailed>
      ) : keys.data.length === 0 ? (
        <ListEmpty>{t('providerKeys.empty')}</ListEmpty>
      ) : (
        <ul
          aria-label={t('providerKeys.listLabel')}
          className="divide-y divide-line overflow-hidden rounded-xl border border-line"
        >
          {keys.data.map((key) => (
            <KeyRow
              key={key.endpointId}
              providerKey={key}
              inputRef={(el) => {
                inputs.current.set(key.endpointId, el);
              }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
