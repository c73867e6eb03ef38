import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '../../components/ui/cn.ts';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { KeyIcon, MonitorIcon, MoonIcon, PlugIcon, SettingsIcon, SunIcon } from '../../components/ui/icons.tsx';
import { LANGUAGES } from '../../i18n/index.ts';
import { ApiKeysPanel } from '../api-keys/ApiKeysPanel.tsx';
import { useModels } from '../chat/api.ts';
import { ProviderKeysPanel } from '../provider-keys/ProviderKeysPanel.tsx';
import type { SettingsSection } from '../shell/context.ts';
import { useLanguage } from './language.ts';
import { THEMES, useTheme } from './theme.ts';

const THEME_ICONS = { light: SunIcon, dark: MoonIcon, system: MonitorIcon } as const;

/** A set of radio buttons drawn as a segmented control. */
function ChoiceGroup<T extends string>({
  legend,
  hint,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  hint?: string;
  name: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: ReactNode; icon?: ReactNode; lang?: string }>;
  onChange: (value: T) => void;
}) {
  const hintId = useId();
  return (
    <fieldset aria-describedby={hint ? hintId : undefined} className="space-y-2">
      <legend className="text-sm font-medium text-fg">{legend}</legend>
      {hint ? (
        <p id={hintId} className="-mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <div className="grid auto-cols-fr grid-flow-col gap-1 rounded-xl bg-subtle p-1">
        {options.map((option) => (
          <label
            key={option.value}
            lang={option.lang}
            className={cn(
              'flex min-w-0 cursor-pointer items-center justify-center gap-1.5 rounded-lg px-2 py-2 sm:gap-2 sm:px-3 text-sm font-medium transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent',
              value === option.value
                ? 'bg-elevated text-fg shadow-sm dark:bg-subtle-strong'
                : 'text-muted hover:text-fg',
            )}
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              className="sr-only"
            />
            {option.icon}
            <span className="truncate">{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function GeneralPanel() {
  const { t } = useTranslation();
  const [theme, setTheme] = useTheme();
  const [language, setLanguage] = useLanguage();
  return (
    <div className="space-y-8">
      <ChoiceGroup
        legend={t('theme.label')}
        hint={t('settings.themeHint')}
        name="theme"
        value={theme}
        onChange={setTheme}
        options={THEMES.map((value) => {
          const Icon = THEME_ICONS[value];
          return { value, label: t(`theme.${value}`), icon: <Icon className="size-4" /> };
        })}
      />
      <ChoiceGroup
        legend={t('language.label')}
        hint={t('settings.languageHint')}
        name="language"
        value={language}
        onChange={setLanguage}
        options={LANGUAGES.map((l) => ({ value: l.code, label: l.label, lang: l.code }))}
      />
    </div>
  );
}

const ALL_SECTIONS: ReadonlyArray<{ id: SettingsSection; icon: typeof SettingsIcon }> = [
  { id: 'general', icon: SettingsIcon },
  { id: 'api-keys', icon: KeyIcon },
  { id: 'provider-keys', icon: PlugIcon },
];

/** Settings in a dialog with a tab per section. Lazy-loaded by the app shell. */
export default function SettingsDialog({
  initialSection,
  onClose,
}: {
  initialSection: SettingsSection;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [section, setSection] = useState<SettingsSection>(initialSection);
  const tabs = useRef(new Map<SettingsSection, HTMLButtonElement | null>());
  const baseId = useId();
  // Provider keys only where some endpoint takes the user's own key (apiKey: user_provided).
  const models = useModels();
  const ownKeys =
    initialSection === 'provider-keys' || !!models.data?.endpoints.some((e) => e.userKey && e.userKey !== 'none');
  const sections = ALL_SECTIONS.filter((s) => s.id !== 'provider-keys' || ownKeys);
  const label = (id: SettingsSection) =>
    id === 'general' ? t('settings.general') : id === 'api-keys' ? t('settings.apiKeys') : t('providerKeys.title');

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = sections.findIndex((s) => s.id === section);
    const delta = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    let next: number | undefined;
    if (delta !== undefined) next = (index + delta + sections.length) % sections.length;
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = sections.length - 1;
    const target = next === undefined ? undefined : sections[next];
    if (!target) return;
    event.preventDefault();
    setSection(target.id);
    tabs.current.get(target.id)?.focus();
  };

  return (
    <Dialog open onClose={onClose} title={t('settings.title')} closeLabel={t('settings.close')} size="lg">
      <div className="flex min-h-0 flex-1 flex-col gap-4 px-5 pb-5 md:flex-row md:gap-6">
        <div role="tablist" aria-label={t('settings.sections')} className="flex shrink-0 gap-1 md:w-44 md:flex-col">
          {sections.map(({ id, icon: Icon }) => (
            <button
              key={id}
              ref={(el) => {
                tabs.current.set(id, el);
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${id}`}
              aria-selected={section === id}
              aria-controls={section === id ? `${baseId}-panel-${id}` : undefined}
              tabIndex={section === id ? 0 : -1}
              onClick={() => setSection(id)}
              onKeyDown={onTabKeyDown}
              className={cn(
                'focus-ring flex cursor-pointer items-center gap-2.5 rounded-lg px-3 py-2 text-left text-sm font-medium',
                section === id ? 'bg-subtle text-fg' : 'text-muted hover:bg-subtle hover:text-fg',
              )}
            >
              {/* Three tabs fit one row on a phone without their icons. */}
              <Icon className="hidden size-[18px] shrink-0 sm:block" />
              {label(id)}
            </button>
          ))}
        </div>
        <div
          role="tabpanel"
          id={`${baseId}-panel-${section}`}
          aria-labelledby={`${baseId}-tab-${section}`}
          className="min-h-[22rem] min-w-0 flex-1 overflow-y-auto"
        >
          <h3 className="mb-4 text-base font-semibold text-fg">{label(section)}</h3>
          {section === 'general' ? (
            <GeneralPanel />
          ) : section === 'provider-keys' ? (
            <ProviderKeysPanel />
          ) : (
            <ApiKeysPanel />
          )}
        </div>
      </div>
    </Dialog>
  );
}
