import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { GlobeIcon } from '../../components/ui/icons.tsx';
import { cn } from '../../components/ui/cn.ts';
import { isLanguage, LANGUAGES } from '../../i18n/index.ts';
import { useLanguage } from './language.ts';

/** A compact native <select> for pages without the user menu (sign in / sign up). */
export function LanguageSelect({ className }: { className?: string }) {
  const { t } = useTranslation();
  const [language, setLanguage] = useLanguage();
  const id = useId();
  return (
    <div className={cn('relative inline-flex items-center', className)}>
      <label htmlFor={id} className="sr-only">
        {t('language.label')}
      </label>
      <GlobeIcon className="pointer-events-none absolute left-2.5 size-4 text-muted" />
      <select
        id={id}
        value={language}
        onChange={(e) => {
          if (isLanguage(e.target.value)) setLanguage(e.target.value);
        }}
        className="focus-ring h-9 cursor-pointer appearance-none rounded-lg border border-line bg-app pr-8 pl-8 text-sm text-fg hover:bg-subtle"
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
      <svg
        viewBox="0 0 20 20"
        fill="currentColor"
        aria-hidden="true"
        className="pointer-events-none absolute right-2.5 size-4 text-muted"
      >
        <path
          fillRule="evenodd"
          d="M5.2 7.2a.75.75 0 0 1 1.06.04L10 11.1l3.74-3.86a.75.75 0 1 1 1.08 1.04l-4.28 4.42a.75.75 0 0 1-1.08 0L5.16 8.28a.75.75 0 0 1 .04-1.06Z"
          clipRule="evenodd"
        />
      </svg>
    </div>
  );
}
