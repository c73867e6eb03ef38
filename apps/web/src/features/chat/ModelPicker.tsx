import { useTranslation } from 'react-i18next';
import { useModels } from './api.ts';
import { resolveModel, setModelChoice, useStoredModel } from './model-store.ts';

const SEP = '\u0001';

/** Endpoints → models, remembered in localStorage. A native select: keyboard, screen reader and phone friendly. */
export function ModelPicker() {
  const { t } = useTranslation();
  const models = useModels();
  const choice = resolveModel(useStoredModel(), models.data);
  if (!models.data || !choice) return null;
  return (
    <label className="relative ml-1 min-w-0">
      <span className="sr-only">{t('chat.model')}</span>
      <select
        value={`${choice.endpoint}${SEP}${choice.model}`}
        onChange={(e) => {
          const [endpoint = '', model = ''] = e.target.value.split(SEP);
          setModelChoice({ endpoint, model });
        }}
        className="focus-ring h-10 max-w-[52vw] cursor-pointer appearance-none truncate rounded-lg bg-transparent py-1 pr-7 pl-2 text-[15px] font-semibold text-fg hover:bg-subtle md:max-w-xs"
      >
        {models.data.endpoints.map((endpoint) => (
          <optgroup key={endpoint.id} label={endpoint.name}>
            {endpoint.models.map((model) => (
              <option key={model.id} value={`${endpoint.id}${SEP}${model.id}`}>
                {endpoint.name} · {model.name}
              </option>
            ))}
          </optgroup>
        ))}
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
  );
}

/** The model to send with: the picker's choice once the list has loaded. */
export function useModelChoice() {
  const models = useModels();
  return resolveModel(useStoredModel(), models.data);
}
