import { useTranslation } from 'react-i18next';
import { KeyIcon } from '../../components/ui/icons.tsx';
import { focusProviderKeyOnOpen } from '../provider-keys/focus.ts';
import { useShell } from '../shell/context.ts';
import { useModels } from './api.ts';
import { resolveModel, setModelChoice, useStoredModel } from './model-store.ts';

const SEP = '\u0001';
/** The value of an "Add your key…" entry: an endpoint that lists no models until the user's key is saved. */
const ADD_KEY = '\u0002';

/**
 * Endpoints → models, remembered in localStorage. A native select: keyboard, screen reader and phone friendly.
 * Endpoints that take the user's own key (apiKey: user_provided) and have none say so; choosing one offers "Add key".
 */
export function ModelPicker() {
  const { t } = useTranslation();
  const { openSettings } = useShell();
  const models = useModels();
  const choice = resolveModel(useStoredModel(), models.data);
  if (!models.data) return null;
  const endpoints = models.data.endpoints;
  const waitingForKey = endpoints.filter((e) => e.userKey === 'required' && e.models.length === 0);
  if (!choice && waitingForKey.length === 0) return null;
  const chosen = choice ? endpoints.find((e) => e.id === choice.endpoint) : undefined;
  const needsKey = chosen?.userKey === 'required' ? chosen : !choice ? waitingForKey[0] : undefined;
  const addKey = (endpointId: string) => {
    focusProviderKeyOnOpen(endpointId);
    openSettings('provider-keys');
  };
  return (
    <div className="ml-1 flex min-w-0 items-center gap-1">
      <label className="relative min-w-0 max-w-[52vw] md:max-w-xs">
        <span className="sr-only">{t('chat.model')}</span>
        <select
          value={choice ? `${choice.endpoint}${SEP}${choice.model}` : `${ADD_KEY}${waitingForKey[0]!.id}`}
          onChange={(e) => {
            if (e.target.value.startsWith(ADD_KEY)) return addKey(e.target.value.slice(ADD_KEY.length));
            const [endpoint = '', model = ''] = e.target.value.split(SEP);
            setModelChoice({ endpoint, model });
          }}
          className="focus-ring h-10 w-full cursor-pointer appearance-none truncate rounded-lg bg-transparent py-1 pr-7 pl-2 text-[15px] font-semibold text-fg hover:bg-subtle"
        >
          {endpoints.map((endpoint) => {
            const keyless = endpoint.userKey === 'required';
            return (
              <optgroup
                key={endpoint.id}
                label={keyless ? t('providerKeys.groupNeedsKey', { name: endpoint.name }) : endpoint.name}
              >
                {endpoint.models.map((model) => (
                  <option key={model.id} value={`${endpoint.id}${SEP}${model.id}`}>
                    {endpoint.name} · {model.name}
                    {keyless ? ` · ${t('providerKeys.needsKey')}` : ''}
                  </option>
                ))}
                {keyless && endpoint.models.length === 0 ? (
                  <option value={`${ADD_KEY}${endpoint.id}`}>
                    {t('providerKeys.addKeyFor', { name: endpoint.name })}
                  </option>
                ) : null}
              </optgroup>
            );
          })}
        </select>
        <svg
          aria-hidden="true"
          viewBox="0 0 24 24"
          className="pointer-events-none absolute top-1/2 right-2 size-4 -translate-y-1/2 text-muted"
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
        >
          <path d="m6 9 6 6 6-6" />
        </svg>
      </label>
      {needsKey ? (
        <button
          type="button"
          onClick={() => addKey(needsKey.id)}
          aria-label={t('providerKeys.addKeyFor', { name: needsKey.name })}
          title={t('providerKeys.addKeyFor', { name: needsKey.name })}
          className="focus-ring inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-full border border-accent/40 bg-accent-soft px-2.5 text-xs font-medium text-fg hover:border-accent"
        >
          <KeyIcon className="size-3.5" />
          <span className="hidden sm:inline">{t('providerKeys.addKey')}</span>
        </button>
      ) : null}
    </div>
  );
}

/** The model to send with: the picker's choice once the list has loaded. */
export function useModelChoice() {
  const models = useModels();
  return resolveModel(useStoredModel(), models.data);
}
