import type { Preset } from '@tessera/shared';
import { PRESET_NAME_MAX } from '@tessera/shared/constants';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { CloseIcon, PencilIcon, PresetIcon, TrashIcon } from '../../components/ui/icons.tsx';
import { InlineConfirm } from '../../components/ui/InlineConfirm.tsx';
import { ListEmpty, ListError, ListLoading } from '../../components/ui/ListStates.tsx';
import { Menu, MenuGroup, MenuItem, MenuSeparator } from '../../components/ui/Menu.tsx';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { showToast } from '../../lib/toast.ts';
import { useModels } from '../chat/api.ts';
import { setModelChoice } from '../chat/model-store.ts';
import { useDeletePreset, usePresets, useUpdatePreset } from './api.ts';
import { modelLabel, useSettingsSummary } from './ConversationSettings.tsx';
import { clearDraftSettings, setDraftSettings, useDraftSettings } from './draft.ts';

/** Starts a new chat with a preset's model and settings (they apply from its first message). */
export function useStartFromPreset(onNavigate?: () => void) {
  const { t } = useTranslation();
  const models = useModels();
  const [, navigate] = useLocation();
  return (preset: Preset) => {
    if (preset.endpoint && preset.model) {
      const offered = models.data?.endpoints.some(
        (e) => e.id === preset.endpoint && e.models.some((m) => m.id === preset.model),
      );
      if (offered) setModelChoice({ endpoint: preset.endpoint, model: preset.model });
      else showToast(t('presets.modelMissing', { model: preset.model }), 'error');
    }
    setDraftSettings({ systemPrompt: preset.systemPrompt ?? '', params: preset.params, presetName: preset.name });
    navigate('/');
    onNavigate?.();
    showToast(t('presets.started', { name: preset.name }));
    // The new chat's composer takes focus once it is shown.
    setTimeout(() => document.querySelector<HTMLTextAreaElement>('main textarea')?.focus(), 50);
  };
}

/** "Model · System prompt · Temperature 0.3", or "Default settings". */
function usePresetDetails() {
  const { t } = useTranslation();
  const models = useModels();
  const summarize = useSettingsSummary();
  return (preset: Preset) => {
    const model = preset.endpoint && preset.model ? modelLabel(models.data, preset.endpoint, preset.model) : null;
    const settings = summarize(preset) || t('presets.defaults');
    return [model ?? t('presets.anyModel'), settings].join(' · ');
  };
}

function PresetRow({ preset, onStart }: { preset: Preset; onStart: (preset: Preset) => void }) {
  const { t } = useTranslation();
  const details = usePresetDetails();
  const update = useUpdatePreset();
  const remove = useDeletePreset();
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm'>('view');
  const [name, setName] = useState(preset.name);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const fail = (e: unknown) => showToast(errorMessage(e, t), 'error');

  useEffect(() => {
    if (mode === 'rename') inputRef.current?.select();
    if (mode === 'confirm') cancelRef.current?.focus();
  }, [mode]);

  const backToView = () => {
    setMode('view');
    requestAnimationFrame(() => renameRef.current?.focus());
  };
  const commit = () => {
    const next = name.trim();
    if (!next || next === preset.name) {
      setName(preset.name);
      return backToView();
    }
    update.mutate(
      { id: preset.id, body: { name: next } },
      {
        onSuccess: () => {
          showToast(t('presets.renamed'));
          backToView();
        },
        onError: fail,
      },
    );
  };

  return (
    <li className="rounded-xl border border-line p-3" data-testid="preset-row">
      {mode === 'rename' ? (
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            commit();
          }}
        >
          <input
            ref={inputRef}
            value={name}
            maxLength={PRESET_NAME_MAX}
            aria-label={t('presets.renameInput', { name: preset.name })}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setName(preset.name);
                backToView();
              }
            }}
            className="focus-ring h-9 min-w-0 flex-1 rounded-lg border border-line-strong bg-app px-2.5 text-base text-fg sm:text-sm"
          />
          <Button type="submit" size="sm" loading={update.isPending}>
            {t('conversationSettings.save')}
          </Button>
        </form>
      ) : (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:gap-3">
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium text-fg">{preset.name}</p>
            <p className="mt-0.5 line-clamp-2 text-xs text-muted">{details(preset)}</p>
          </div>
          {mode === 'view' ? (
            <div className="flex shrink-0 items-center justify-end gap-0.5">
              <Button
                size="sm"
                variant="secondary"
                aria-label={t('presets.startLabel', { name: preset.name })}
                onClick={() => onStart(preset)}
              >
                {t('presets.start')}
              </Button>
              <button
                ref={renameRef}
                type="button"
                aria-label={t('presets.renameLabel', { name: preset.name })}
                title={t('presets.rename')}
                onClick={() => setMode('rename')}
                className="focus-ring inline-flex size-8 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
              >
                <PencilIcon className="size-4" />
              </button>
              <button
                type="button"
                aria-label={t('presets.deleteLabel', { name: preset.name })}
                title={t('presets.delete')}
                onClick={() => setMode('confirm')}
                className="focus-ring inline-flex size-8 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-danger-soft hover:text-danger"
              >
                <TrashIcon className="size-4" />
              </button>
            </div>
          ) : null}
        </div>
      )}
      {mode === 'confirm' ? (
        <InlineConfirm
          label={t('presets.deleteLabel', { name: preset.name })}
          message={t('presets.deleteConfirm', { name: preset.name })}
          cancelLabel={t('conversationSettings.cancel')}
          confirmLabel={t('presets.delete')}
          pending={remove.isPending}
          onCancel={backToView}
          onConfirm={() =>
            remove.mutate(preset.id, { onSuccess: () => showToast(t('presets.deleted')), onError: fail })
          }
          cancelRef={cancelRef}
          className="mt-3"
        />
      ) : null}
    </li>
  );
}

/** Lists the presets: start a chat from one, rename or delete it. */
export function ManagePresetsDialog({
  open,
  onClose,
  onNavigate,
}: {
  open: boolean;
  onClose: () => void;
  onNavigate?: () => void;
}) {
  const { t } = useTranslation();
  const presets = usePresets(open);
  const start = useStartFromPreset(() => {
    onClose();
    onNavigate?.();
  });
  const items = presets.data ?? [];
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t('presets.manageTitle')}
      description={t('presets.manageDescription')}
      closeLabel={t('presets.close')}
      size="lg"
    >
      <div className="min-h-0 overflow-y-auto px-5 pt-2 pb-5" data-testid="presets-dialog">
        {presets.isPending ? (
          <ListLoading />
        ) : presets.isError ? (
          <ListError>{errorMessage(presets.error, t)}</ListError>
        ) : items.length === 0 ? (
          <ListEmpty>{t('presets.empty')}</ListEmpty>
        ) : (
          <ul className="space-y-2">
            {items.map((p) => (
              <PresetRow key={p.id} preset={p} onStart={start} />
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}

/**
 * The presets menu: start a new chat from a preset, or manage them. `variant` "icon" is a small
 * square button (sidebar), "bar" a labelled one (chat pane).
 */
export function PresetMenu({ onNavigate, variant = 'icon' }: { onNavigate?: () => void; variant?: 'icon' | 'bar' }) {
  const { t } = useTranslation();
  const presets = usePresets();
  const start = useStartFromPreset(onNavigate);
  const [managing, setManaging] = useState(false);
  const items = presets.data ?? [];
  return (
    <>
      <Menu
        placement="bottom-end"
        className="max-h-[min(24rem,70dvh)] w-64 overflow-y-auto"
        trigger={(props, open) => (
          <button
            {...props}
            aria-label={t('presets.menu')}
            title={t('presets.newFrom')}
            data-testid="presets-menu-button"
            className={cn(
              'focus-ring inline-flex shrink-0 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg',
              variant === 'icon' ? 'size-10' : 'h-8 gap-1.5 px-2 text-sm',
              open && 'bg-subtle text-fg',
            )}
          >
            <PresetIcon className="size-[18px]" />
            {variant === 'bar' ? <span className="hidden sm:inline">{t('presets.menu')}</span> : null}
          </button>
        )}
      >
        <MenuGroup label={t('presets.newFrom')}>
          {presets.isPending ? (
            <div className="flex justify-center py-2 text-muted">
              <Spinner />
            </div>
          ) : items.length === 0 ? (
            <p className="px-2.5 py-2 text-sm text-muted">{t('presets.empty')}</p>
          ) : (
            items.map((p) => (
              <MenuItem key={p.id} icon={<PresetIcon className="size-4" />} onSelect={() => start(p)}>
                {p.name}
              </MenuItem>
            ))
          )}
        </MenuGroup>
        <MenuSeparator />
        <MenuItem onSelect={() => setManaging(true)}>{t('presets.manage')}</MenuItem>
      </Menu>
      <ManagePresetsDialog open={managing} onClose={() => setManaging(false)} onNavigate={onNavigate} />
    </>
  );
}

/** Before the first message: which preset the new chat starts from, with a way to drop it. */
export function DraftPresetChip() {
  const { t } = useTranslation();
  const draft = useDraftSettings();
  if (!draft.presetName) return null;
  return (
    <span
      className="inline-flex min-w-0 items-center gap-1 rounded-full bg-subtle py-0.5 pr-0.5 pl-2.5 text-xs font-medium text-fg"
      data-testid="draft-preset"
    >
      <span className="truncate">{t('presets.active', { name: draft.presetName })}</span>
      <button
        type="button"
        onClick={clearDraftSettings}
        aria-label={t('presets.clear', { name: draft.presetName })}
        className="focus-ring inline-flex size-6 shrink-0 cursor-pointer items-center justify-center rounded-full text-muted hover:bg-subtle-strong hover:text-fg"
      >
        <CloseIcon className="size-3.5" />
      </button>
    </span>
  );
}
