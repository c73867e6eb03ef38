import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useRoute } from 'wouter';
import { cn } from '../../components/ui/cn.ts';
import { KeyIcon } from '../../components/ui/icons.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { showToast } from '../../lib/toast.ts';
import { focusProviderKeyOnOpen } from '../provider-keys/focus.ts';
import { useShell } from '../shell/context.ts';
import { setConversationModel, useConversation, useModels } from './api.ts';
import {
  resolveConversationModel,
  resolveModel,
  setModelChoice,
  useStoredModel,
  type ModelChoice,
} from './model-store.ts';

const SEP = '\u0001';
/** The value of an "Add your key…" entry: an endpoint that lists no models until the user's key is saved. */
const ADD_KEY = '\u0002';

/**
 * Endpoints → models. In an open conversation it shows and sets that conversation's model; on a new chat,
 * the user's last pick (remembered in localStorage; any pick, in a conversation too, becomes it).
 * A native select: keyboard, screen reader and phone friendly. Endpoints that take the user's own key
 * (apiKey: user_provided) and have none say so; choosing one offers "Add key".
 */
export function ModelPicker() {
  const { t } = useTranslation();
  const { openSettings } = useShell();
  const qc = useQueryClient();
  const models = useModels();
  const here = useChoiceHere();
  const { conversationId } = here;
  // While the open conversation loads, keep the picker's place (no jump) without showing a model it may not use.
  const choice = here.loading ? here.lastPick : here.choice;
  if (!models.data) return null;
  const endpoints = models.data.endpoints;
  const waitingForKey = endpoints.filter((e) => e.userKey === 'required' && e.models.length === 0);
  if (!choice && waitingForKey.length === 0) return null;
  const chosen = choice ? endpoints.find((e) => e.id === choice.endpoint) : undefined;
  const needsKey = here.loading
    ? undefined
    : chosen?.userKey === 'required'
      ? chosen
      : !choice
        ? waitingForKey[0]
        : undefined;
  const addKey = (endpointId: string) => {
    focusProviderKeyOnOpen(endpointId);
    openSettings('provider-keys');
  };
  return (
    <div className="ml-1 flex min-w-0 items-center gap-1">
      <label className={cn('relative min-w-0 max-w-[52vw] md:max-w-xs', here.loading && 'invisible')}>
        <span className="sr-only">{t('chat.model')}</span>
        <select
          value={choice ? `${choice.endpoint}${SEP}${choice.model}` : `${ADD_KEY}${waitingForKey[0]!.id}`}
          onChange={(e) => {
            if (e.target.value.startsWith(ADD_KEY)) return addKey(e.target.value.slice(ADD_KEY.length));
            const [endpoint = '', model = ''] = e.target.value.split(SEP);
            setModelChoice({ endpoint, model });
            if (conversationId)
              setConversationModel(qc, conversationId, { endpoint, model }).catch((error: unknown) =>
                showToast(errorMessage(error, t), 'error'),
              );
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

interface ChoiceHere {
  /** The model to send with: null until the lists (and the open conversation) have loaded. */
  choice: ModelChoice | null;
  /** The user's last pick (where a new chat starts), resolved against the offered models. */
  lastPick: ModelChoice | null;
  /** The open conversation ("/c/:id"), if it could be loaded. */
  conversationId: string | undefined;
  loading: boolean;
}

/** The open conversation and the model it goes on with; on other pages, the last pick. */
function useChoiceHere(): ChoiceHere {
  const models = useModels();
  const stored = useStoredModel();
  const [, params] = useRoute<{ id: string }>('/c/:id');
  const id = params?.id;
  const conversation = useConversation(id);
  const lastPick = resolveModel(stored, models.data);
  if (!id || conversation.isError) return { choice: lastPick, lastPick, conversationId: undefined, loading: false };
  const data = conversation.data?.conversation;
  if (!data) return { choice: null, lastPick, conversationId: id, loading: true };
  return { choice: resolveConversationModel(data, stored, models.data), lastPick, conversationId: id, loading: false };
}

/** The model to send with: the open conversation's (see ModelPicker), once the lists have loaded. */
export function useModelChoice(): ModelChoice | null {
  return useChoiceHere().choice;
}
