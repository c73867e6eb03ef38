import type { Conversation, ModelsResponse } from '@tessera/shared';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SlidersIcon } from '../../components/ui/icons.tsx';
import { LoadingOverlay } from '../../components/ui/Spinner.tsx';
import { useModelChoice } from '../chat/ModelPicker.tsx';
import { useDraftSettings } from './draft.ts';
import { isCustomized, PARAM_SPECS, type SettingsValue } from './params.ts';

// The sheet is its own chunk: fetched once the browser is idle (or the button is pointed at), so it
// is usually there by the first click.
const loadSheet = () => import('./ConversationSettingsSheet.tsx');
const ConversationSettingsSheet = lazy(loadSheet);

/** "Endpoint · Model" for a choice, as the model picker shows it. */
export function modelLabel(models: ModelsResponse | undefined, endpoint: string, model: string): string {
  const e = models?.endpoints.find((x) => x.id === endpoint);
  const m = e?.models.find((x) => x.id === model);
  return e && m ? `${e.name} · ${m.name}` : model;
}

/** One line naming what is set, e.g. "System prompt · Temperature 0.3". */
export function useSettingsSummary() {
  const { t, i18n } = useTranslation();
  return ({ systemPrompt, params }: SettingsValue): string => {
    const nf = new Intl.NumberFormat(i18n.language);
    const parts: string[] = [];
    if (systemPrompt?.trim()) parts.push(t('conversationSettings.summary.systemPrompt'));
    for (const spec of PARAM_SPECS) {
      const value = params[spec.key];
      if (value !== undefined) parts.push(t(`conversationSettings.summary.${spec.key}`, { value: nf.format(value) }));
    }
    return parts.join(' · ');
  };
}

/**
 * The chat pane's "Settings" button and its sheet: the system prompt and parameters of this
 * conversation (or, before the first message, of the chat about to start), and "Save as preset".
 */
export function ConversationSettingsButton({ conversation }: { conversation: Conversation | null }) {
  const { t } = useTranslation();
  const draft = useDraftSettings();
  const choice = useModelChoice();
  const summarize = useSettingsSummary();
  const [open, setOpen] = useState(false);
  const value: SettingsValue = conversation
    ? { systemPrompt: conversation.systemPrompt, params: conversation.params }
    : { systemPrompt: draft.systemPrompt, params: draft.params };
  const custom = isCustomized(value);
  const summary = summarize(value);
  const hasPrompt = !!value.systemPrompt?.trim();

  useEffect(() => {
    const preload = () => void loadSheet();
    if ('requestIdleCallback' in window) {
      const id = window.requestIdleCallback(preload, { timeout: 3000 });
      return () => window.cancelIdleCallback(id);
    }
    const id = setTimeout(preload, 1500);
    return () => clearTimeout(id);
  }, []);

  return (
    <>
      {hasPrompt ? (
        <span
          className="hidden shrink-0 items-center rounded-full bg-accent-soft px-2 py-0.5 text-xs font-medium text-accent sm:inline-flex"
          data-testid="system-prompt-indicator"
        >
          {t('conversationSettings.systemPromptSet')}
        </span>
      ) : null}
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={custom ? t('conversationSettings.openCustom') : t('conversationSettings.open')}
        title={summary || t('conversationSettings.open')}
        onClick={() => setOpen(true)}
        onPointerEnter={() => void loadSheet()}
        onFocus={() => void loadSheet()}
        data-testid="conversation-settings-button"
        data-customized={custom || undefined}
        className="focus-ring relative inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-lg px-2 text-sm text-muted hover:bg-subtle hover:text-fg"
      >
        <SlidersIcon className="size-[18px]" />
        <span className="hidden sm:inline">{t('conversationSettings.button')}</span>
        {custom ? (
          <span aria-hidden="true" className="absolute top-1 right-1 size-2 rounded-full bg-accent sm:static" />
        ) : null}
      </button>
      {open ? (
        <Suspense fallback={<LoadingOverlay label={t('app.loading')} />}>
          <ConversationSettingsSheet conversation={conversation} choice={choice} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
