import { PRESET_LIMIT, PRESET_NAME_MAX, SYSTEM_PROMPT_MAX } from '@tessera/shared/constants';
import type { Conversation, ModelParams } from '@tessera/shared';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { Dialog, SheetBody, SheetFooter } from '../../components/ui/Dialog.tsx';
import { Field } from '../../components/ui/Field.tsx';
import { Input } from '../../components/ui/Input.tsx';
import { isApiError } from '../../lib/api.ts';
import { errorMessage } from '../../lib/form-errors.ts';
import { showToast } from '../../lib/toast.ts';
import { useModels, useUpdateConversation } from '../chat/api.ts';
import type { ModelChoice } from '../chat/model-store.ts';
import { useCreatePreset } from './api.ts';
import { modelLabel } from './ConversationSettings.tsx';
import { setDraftSettings, useDraftSettings } from './draft.ts';
import { cleanParams, PARAM_SPECS, type ParamKey, type ParamSpec, type SettingsValue } from './params.ts';

// The sheet behind the chat pane's "Settings" button (ConversationSettings.tsx), in its own chunk:
// the chat page does not need it for its first paint.

type Texts = Record<ParamKey, string>;
type Errors = Partial<Record<ParamKey | 'systemPrompt' | 'name', string>>;

const toText = (params: ModelParams): Texts => ({
  temperature: params.temperature?.toString() ?? '',
  topP: params.topP?.toString() ?? '',
  maxOutputTokens: params.maxOutputTokens?.toString() ?? '',
});

function ParamField({
  spec,
  value,
  error,
  onChange,
}: {
  spec: ParamSpec;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const name = t(`conversationSettings.${spec.key}`);
  const isDefault = value.trim() === '';
  const numeric = Number(value);
  const sliderValue = isDefault || !Number.isFinite(numeric) ? spec.resting : numeric;
  const decimals = spec.step < 1 ? String(spec.step).split('.')[1]!.length : 0;
  return (
    <Field
      label={name}
      error={error}
      hint={t(`conversationSettings.${spec.key}Hint`, { min: nf.format(spec.min), max: nf.format(spec.max) })}
      labelAside={
        isDefault ? (
          <span className="text-xs text-faint">{t('conversationSettings.default')}</span>
        ) : (
          <button
            type="button"
            onClick={() => onChange('')}
            aria-label={t('conversationSettings.resetLabel', { name })}
            className="focus-ring cursor-pointer rounded-md px-1.5 py-0.5 text-xs font-medium text-accent hover:bg-subtle"
          >
            {t('conversationSettings.reset')}
          </button>
        )
      }
    >
      {(control) => (
        <div className="flex items-center gap-3">
          {spec.slider ? (
            <input
              type="range"
              min={spec.min}
              max={spec.max}
              step={spec.step}
              value={sliderValue}
              aria-label={t('conversationSettings.slider', { name })}
              aria-valuetext={isDefault ? t('conversationSettings.default') : nf.format(sliderValue)}
              onChange={(e) => onChange(String(Number(Number(e.target.value).toFixed(decimals))))}
              className={cn('h-2 min-w-0 flex-1 cursor-pointer accent-accent', isDefault && 'opacity-40')}
            />
          ) : null}
          <input
            {...control}
            type="number"
            inputMode={spec.integer ? 'numeric' : 'decimal'}
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={value}
            placeholder={t('conversationSettings.default')}
            onChange={(e) => onChange(e.target.value)}
            className={cn(
              'focus-ring h-10 rounded-xl border border-line-strong bg-app px-3 text-base text-fg tabular-nums placeholder:text-faint hover:border-faint focus:border-accent aria-invalid:border-danger sm:text-sm',
              spec.slider ? 'w-24 shrink-0' : 'w-full',
            )}
          />
        </div>
      )}
    </Field>
  );
}

/** Reads the form into parameters, or says what is wrong with each field. */
function readParams(texts: Texts, t: ReturnType<typeof useTranslation>['t'], locale: string) {
  const nf = new Intl.NumberFormat(locale);
  const params: ModelParams = {};
  const errors: Errors = {};
  for (const spec of PARAM_SPECS) {
    const raw = texts[spec.key].trim();
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < spec.min || n > spec.max || (spec.integer && !Number.isInteger(n))) {
      errors[spec.key] = t(spec.integer ? 'conversationSettings.integer' : 'conversationSettings.range', {
        min: nf.format(spec.min),
        max: nf.format(spec.max),
      });
    } else {
      params[spec.key] = n;
    }
  }
  return { params: cleanParams(params), errors };
}

function SettingsForm({
  conversation,
  choice,
  onDone,
}: {
  conversation: Conversation | null;
  choice: ModelChoice | null;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const draft = useDraftSettings();
  const models = useModels();
  const update = useUpdateConversation();
  const createPreset = useCreatePreset();
  const initial: SettingsValue = conversation
    ? { systemPrompt: conversation.systemPrompt, params: conversation.params }
    : { systemPrompt: draft.systemPrompt, params: draft.params };
  const [systemPrompt, setSystemPrompt] = useState(initial.systemPrompt ?? '');
  const [texts, setTexts] = useState<Texts>(() => toText(initial.params));
  const [errors, setErrors] = useState<Errors>({});
  const [presetName, setPresetName] = useState('');
  const nf = new Intl.NumberFormat(i18n.language);
  const formId = useId();
  // Non-breaking hyphens: a narrow sheet must not wrap "gpt-4o-" / "mini" apart.
  const model = (choice ? modelLabel(models.data, choice.endpoint, choice.model) : t('presets.anyModel')).replaceAll(
    '-',
    '\u2011',
  );

  const read = () => {
    const { params, errors: found } = readParams(texts, t, i18n.language);
    if (systemPrompt.length > SYSTEM_PROMPT_MAX)
      found.systemPrompt = t('conversationSettings.tooLong', { count: SYSTEM_PROMPT_MAX });
    return { value: { systemPrompt: systemPrompt.trim() ? systemPrompt : null, params }, found };
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const { value, found } = read();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (!conversation) {
      const unchanged =
        (value.systemPrompt ?? '') === draft.systemPrompt &&
        JSON.stringify(value.params) === JSON.stringify(cleanParams(draft.params));
      setDraftSettings({
        systemPrompt: value.systemPrompt ?? '',
        params: value.params,
        presetName: unchanged ? draft.presetName : null,
      });
      showToast(t('conversationSettings.savedDraft'));
      onDone();
      return;
    }
    update.mutate(
      { id: conversation.id, body: value },
      {
        onSuccess: () => {
          showToast(t('conversationSettings.saved'));
          onDone();
        },
        onError: (e) => showToast(errorMessage(e, t), 'error'),
      },
    );
  };

  const saveAsPreset = () => {
    const { value, found } = read();
    const name = presetName.trim();
    if (!name) found.name = t('presets.nameRequired');
    else if (name.length > PRESET_NAME_MAX) found.name = t('conversationSettings.tooLong', { count: PRESET_NAME_MAX });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    createPreset.mutate(
      { name, endpoint: choice?.endpoint ?? null, model: choice?.model ?? null, ...value },
      {
        onSuccess: (preset) => {
          setPresetName('');
          showToast(t('presets.saved', { name: preset.name }));
        },
        onError: (e) =>
          isApiError(e) && e.code === 'CONFLICT'
            ? setErrors({ name: t('presets.limit', { count: PRESET_LIMIT }) })
            : showToast(errorMessage(e, t), 'error'),
      },
    );
  };

  return (
    <form id={formId} onSubmit={save} noValidate className="flex min-h-0 flex-1 flex-col">
      <SheetBody>
        <p className="mb-5 text-sm text-muted">
          {t(conversation ? 'conversationSettings.forThisChat' : 'conversationSettings.forNewChat', { model })}
        </p>
        <div className="space-y-6">
          <Field
            label={t('conversationSettings.systemPrompt')}
            error={errors.systemPrompt}
            hint={t('conversationSettings.systemPromptHint')}
            labelAside={
              <span className="text-xs text-faint tabular-nums">
                {t('conversationSettings.characters', {
                  used: nf.format(systemPrompt.length),
                  max: nf.format(SYSTEM_PROMPT_MAX),
                })}
              </span>
            }
          >
            {(control) => (
              <textarea
                {...control}
                data-autofocus=""
                rows={6}
                value={systemPrompt}
                onChange={(e) => setSystemPrompt(e.target.value)}
                placeholder={t('conversationSettings.systemPromptPlaceholder')}
                className="focus-ring block max-h-[40dvh] min-h-28 w-full resize-y rounded-xl border border-line-strong bg-app px-3.5 py-2.5 text-base leading-6 text-fg placeholder:text-faint hover:border-faint focus:border-accent aria-invalid:border-danger sm:text-[15px]"
              />
            )}
          </Field>

          <fieldset className="space-y-5">
            <legend className="text-sm font-semibold text-fg">{t('conversationSettings.parameters')}</legend>
            <p className="-mt-3 text-sm text-muted">{t('conversationSettings.parametersHint')}</p>
            {PARAM_SPECS.map((spec) => (
              <ParamField
                key={spec.key}
                spec={spec}
                value={texts[spec.key]}
                error={errors[spec.key]}
                onChange={(v) => setTexts((x) => ({ ...x, [spec.key]: v }))}
              />
            ))}
          </fieldset>

          <section aria-labelledby={`${formId}-preset`} className="space-y-3 rounded-2xl bg-subtle p-4">
            <div>
              <h3 id={`${formId}-preset`} className="text-sm font-semibold text-fg">
                {t('presets.saveSection')}
              </h3>
              <p className="mt-1 text-sm text-muted">{t('presets.saveHint', { model })}</p>
            </div>
            <Field label={t('presets.nameLabel')} error={errors.name}>
              {(control) => (
                <div className="flex flex-col gap-2 sm:flex-row">
                  <Input
                    {...control}
                    value={presetName}
                    maxLength={PRESET_NAME_MAX + 20}
                    placeholder={t('presets.namePlaceholder')}
                    onChange={(e) => setPresetName(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        saveAsPreset();
                      }
                    }}
                    className="h-10 min-w-0 flex-1"
                  />
                  <Button variant="secondary" loading={createPreset.isPending} onClick={saveAsPreset}>
                    {t('presets.save')}
                  </Button>
                </div>
              )}
            </Field>
          </section>
        </div>
      </SheetBody>
      <SheetFooter>
        <Button variant="ghost" onClick={onDone}>
          {t('conversationSettings.cancel')}
        </Button>
        <Button type="submit" loading={update.isPending}>
          {t('conversationSettings.save')}
        </Button>
      </SheetFooter>
    </form>
  );
}

/** The open sheet: system prompt, parameters and "Save as preset". Mounted while open. */
export default function ConversationSettingsSheet({
  conversation,
  choice,
  onClose,
}: {
  conversation: Conversation | null;
  choice: ModelChoice | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      variant="sheet"
      open
      onClose={onClose}
      title={t('conversationSettings.title')}
      closeLabel={t('conversationSettings.close')}
      testId="conversation-settings"
    >
      <SettingsForm conversation={conversation} choice={choice} onDone={onClose} />
    </Dialog>
  );
}
