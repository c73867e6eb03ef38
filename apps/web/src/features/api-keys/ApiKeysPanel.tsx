import { API_KEY_SCOPES, createApiKeySchema, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@tessera/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/Alert.tsx';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { Field } from '../../components/ui/Field.tsx';
import { AlertIcon, CheckIcon, CopyIcon, KeyIcon, TrashIcon } from '../../components/ui/icons.tsx';
import { Input } from '../../components/ui/Input.tsx';
import { ListEmpty, ListLoadFailed, ListLoading } from '../../components/ui/ListStates.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { useDateTimeFormat } from '../../lib/use-date-time-format.ts';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { useApiKeys, useCreateApiKey, useDeleteApiKey } from './hooks.ts';

const FIELDS = ['name'] as const;

async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API (e.g. plain http on a LAN address): select and copy the old way.
    if (!fallbackInput) return false;
    fallbackInput.select();
    return document.execCommand('copy');
  }
}

/** Shows a freshly created key once, with a copy button. */
function NewKeyCard({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  return (
    <section
      aria-labelledby="new-key-title"
      className="space-y-3 rounded-2xl border border-accent/40 bg-accent-soft p-4"
    >
      <h4 id="new-key-title" className="font-medium text-fg">
        {t('apiKeys.newKeyTitle', { name: created.name })}
      </h4>
      <p className="flex items-start gap-2 text-sm text-fg">
        <AlertIcon className="mt-0.5 size-4 shrink-0 text-accent" />
        {t('apiKeys.newKeyWarning')}
      </p>
      <div className="flex gap-2">
        <label htmlFor="new-key-value" className="sr-only">
          {t('apiKeys.newKeyLabel')}
        </label>
        <input
          ref={input}
          id="new-key-value"
          readOnly
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          className="focus-ring h-10 min-w-0 flex-1 rounded-xl border border-line-strong bg-app px-3 font-mono text-sm text-fg"
        />
        <Button
          variant="primary"
          aria-label={t('apiKeys.copyKey')}
          icon={copyState === 'copied' ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
          onClick={async () => setCopyState((await copyText(created.key, input.current)) ? 'copied' : 'failed')}
        >
          {copyState === 'copied' ? t('apiKeys.copied') : t('apiKeys.copy')}
        </Button>
      </div>
      <p role="status" className="min-h-0 text-sm text-danger empty:hidden">
        {copyState === 'failed' ? t('apiKeys.copyFailed') : ''}
      </p>
      <div className="flex justify-end">
        <Button variant="secondary" size="sm" onClick={onDone}>
          {t('apiKeys.done')}
        </Button>
      </div>
    </section>
  );
}

/** Chat only or full access; chat is preselected, as most keys go into a chat app or an SDK. */
function ScopeChoice({ value, onChange }: { value: ApiKeyScope; onChange: (scope: ApiKeyScope) => void }) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm text-muted">{t('apiKeys.scopeLegend')}</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {API_KEY_SCOPES.map((scope) => (
          <label
            key={scope}
            className={cn(
              'flex cursor-pointer items-start gap-2 rounded-xl border p-3 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent',
              value === scope ? 'border-accent bg-accent-soft' : 'border-line hover:border-line-strong',
            )}
          >
            <input
              type="radio"
              name={name}
              value={scope}
              checked={value === scope}
              onChange={() => onChange(scope)}
              className="mt-0.5 accent-accent"
            />
            <span>
              <span className="block font-medium text-fg">{t(`apiKeys.scopes.${scope}`)}</span>
              <span className="block text-muted">{t(`apiKeys.scopeHints.${scope}`)}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('chat');
  const create = useCreateApiKey();
  const errors = useFormErrors({ fields: FIELDS, required: { name: 'validation.keyNameRequired' } });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = createApiKeySchema.safeParse({ name, scope });
    if (!parsed.success) return errors.showClientIssues(parsed.error.issues);
    errors.clear();
    create.mutate(parsed.data, {
      onSuccess: (created) => {
        setName('');
        onCreated(created);
      },
      onError: errors.showServerError,
    });
  };

  return (
    <form noValidate onSubmit={onSubmit} aria-labelledby="create-key-title" className="space-y-3">
      <h4 id="create-key-title" className="text-sm font-medium text-fg">
        {t('apiKeys.createTitle')}
      </h4>
      {errors.formError ? <Alert>{errors.formError}</Alert> : null}
      <div className="flex items-start gap-2">
        <Field
          label={<span className="sr-only">{t('apiKeys.nameLabel')}</span>}
          error={errors.fieldErrors.name}
          className="min-w-0 flex-1 space-y-0"
        >
          {(control) => (
            <Input
              {...control}
              ref={errors.refFor('name')}
              name="name"
              autoComplete="off"
              maxLength={100}
              placeholder={t('apiKeys.namePlaceholder')}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                errors.dismiss('name');
              }}
              className="h-10"
            />
          )}
        </Field>
        <Button type="submit" loading={create.isPending}>
          {create.isPending ? t('apiKeys.creating') : t('apiKeys.create')}
        </Button>
      </div>
      <ScopeChoice value={scope} onChange={setScope} />
    </form>
  );
}

function DeleteKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const { t } = useTranslation();
  const remove = useDeleteApiKey();
  const cancelRef = useRef<HTMLButtonElement>(null);

  const close = () => {
    remove.reset();
    onClose();
  };

  return (
    <Dialog
      open={apiKey !== null}
      onClose={close}
      title={t('apiKeys.confirmTitle')}
      description={apiKey ? t('apiKeys.confirmBody', { name: apiKey.name }) : undefined}
      initialFocusRef={cancelRef}
      size="sm"
    >
      <div className="space-y-4 px-5 pt-2 pb-5">
        {remove.isError ? <Alert>{errorMessage(remove.error, t)}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button ref={cancelRef} variant="secondary" onClick={close}>
            {t('apiKeys.cancel')}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() => {
              if (apiKey) remove.mutate(apiKey.id, { onSuccess: close });
            }}
          >
            {remove.isPending ? t('apiKeys.deleting') : t('apiKeys.confirmDelete')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function KeyRow({ apiKey, onDelete }: { apiKey: ApiKey; onDelete: () => void }) {
  const { t } = useTranslation();
  const date = useDateTimeFormat();
  return (
    <li className="flex items-center gap-3 px-4 py-3" data-testid="api-key-row">
      <span className="hidden size-9 shrink-0 items-center justify-center rounded-lg bg-subtle text-muted sm:inline-flex">
        <KeyIcon className="size-[18px]" />
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2">
          <span className="truncate font-medium text-fg">{apiKey.name}</span>
          <code className="font-mono text-xs text-muted">{apiKey.prefix}…</code>
          <span className="rounded-md bg-subtle px-1.5 py-0.5 text-xs text-muted" data-testid="api-key-scope">
            {t(`apiKeys.scopes.${apiKey.scope}`)}
          </span>
        </div>
        <div className="mt-0.5 text-xs text-muted">
          {t('apiKeys.createdAt', { date: date.format(new Date(apiKey.createdAt)) })}
          {' · '}
          {apiKey.lastUsedAt
            ? t('apiKeys.lastUsedAt', { date: date.format(new Date(apiKey.lastUsedAt)) })
            : t('apiKeys.neverUsed')}
        </div>
      </div>
      <Button
        variant="ghost"
        size="icon"
        aria-label={t('apiKeys.deleteNamed', { name: apiKey.name })}
        title={t('apiKeys.delete')}
        onClick={onDelete}
        className="text-muted hover:text-danger"
      >
        <TrashIcon className="size-[18px]" />
      </Button>
    </li>
  );
}

export function ApiKeysPanel() {
  const { t } = useTranslation();
  const keys = useApiKeys();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [toDelete, setToDelete] = useState<ApiKey | null>(null);

  return (
    <div className="space-y-6">
      <p className="text-sm text-muted">{t('apiKeys.description')}</p>

      {created ? (
        <NewKeyCard created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateKeyForm onCreated={setCreated} />
      )}

      <section aria-labelledby="key-list-title" className="space-y-3">
        <h4 id="key-list-title" className="text-sm font-medium text-fg">
          {t('apiKeys.listTitle')}
        </h4>
        {keys.isPending ? (
          <ListLoading label={t('app.loading')} spinnerClassName="size-5" />
        ) : keys.isError ? (
          <ListLoadFailed retryLabel={t('apiKeys.retry')} onRetry={() => void keys.refetch()}>
            {t('apiKeys.loadError')} {errorMessage(keys.error, t)}
          </ListLoadFailed>
        ) : keys.data.length === 0 ? (
          <ListEmpty>{t('apiKeys.empty')}</ListEmpty>
        ) : (
          <ul
            aria-labelledby="key-list-title"
            className="divide-y divide-line overflow-hidden rounded-xl border border-line"
          >
            {keys.data.map((key) => (
              <KeyRow key={key.id} apiKey={key} onDelete={() => setToDelete(key)} />
            ))}
          </ul>
        )}
      </section>

      <DeleteKeyDialog apiKey={toDelete} onClose={() => setToDelete(null)} />
    </div>
  );
}
