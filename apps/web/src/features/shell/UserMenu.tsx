import type { Me } from '@tessera/shared';
import { useTranslation } from 'react-i18next';
import { cn } from '../../components/ui/cn.ts';
import {
  ChevronUpDownIcon,
  MonitorIcon,
  MoonIcon,
  SettingsIcon,
  SignOutIcon,
  SunIcon,
} from '../../components/ui/icons.tsx';
import { Menu, MenuGroup, MenuItem, MenuRadioItem, MenuSeparator } from '../../components/ui/Menu.tsx';
import { LANGUAGES } from '../../i18n/index.ts';
import { useSignOut } from '../auth/hooks.ts';
import { useLanguage } from '../settings/language.ts';
import { useTheme, type Theme } from '../settings/theme.ts';

const THEME_ICONS: Record<Theme, typeof SunIcon> = { light: SunIcon, dark: MoonIcon, system: MonitorIcon };

export function Avatar({ name, className }: { name: string; className?: string }) {
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?';
  return (
    <span
      aria-hidden="true"
      className={cn(
        'inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-accent text-sm font-semibold text-accent-fg',
        className,
      )}
    >
      {initial}
    </span>
  );
}

/** The account button at the bottom of the sidebar and its menu. */
export function UserMenu({ user, onOpenSettings }: { user: Me; onOpenSettings: () => void }) {
  const { t } = useTranslation();
  const [theme, setTheme] = useTheme();
  const [language, setLanguage] = useLanguage();
  const signOut = useSignOut();

  return (
    <Menu
      placement="top"
      trigger={(props, open) => (
        <button
          {...props}
          aria-label={`${t('shell.accountMenu')}: ${user.name}`}
          className={cn(
            'focus-ring flex w-full cursor-pointer items-center gap-3 rounded-xl px-2 py-2 text-left hover:bg-subtle',
            open && 'bg-subtle',
          )}
        >
          <Avatar name={user.name} />
          <span className="min-w-0 flex-1">
            <span className="flex items-center gap-1.5">
              <span className="truncate text-sm font-medium text-fg">{user.name}</span>
              {user.role === 'admin' ? (
                <span className="rounded-md bg-accent-soft px-1.5 py-px text-[11px] font-medium text-accent">
                  {t('shell.admin')}
                </span>
              ) : null}
            </span>
            <span className="block truncate text-xs text-muted">{user.email}</span>
          </span>
          <ChevronUpDownIcon className="size-4 shrink-0 text-faint" />
        </button>
      )}
    >
      <MenuItem icon={<SettingsIcon className="size-[18px]" />} onSelect={onOpenSettings}>
        {t('shell.settings')}
      </MenuItem>
      <MenuSeparator />
      <MenuGroup label={t('theme.label')}>
        {(['light', 'dark', 'system'] as const).map((value) => {
          const Icon = THEME_ICONS[value];
          return (
            <MenuRadioItem
              key={value}
              checked={theme === value}
              onSelect={() => setTheme(value)}
              icon={<Icon className="size-[18px]" />}
            >
              {t(`theme.${value}`)}
            </MenuRadioItem>
          );
        })}
      </MenuGroup>
      <MenuSeparator />
      <MenuGroup label={t('language.label')}>
        {LANGUAGES.map((l) => (
          <MenuRadioItem
            key={l.code}
            checked={language === l.code}
            onSelect={() => setLanguage(l.code)}
            icon={<span className="inline-block size-[18px]" />}
          >
            <span lang={l.code}>{l.label}</span>
          </MenuRadioItem>
        ))}
      </MenuGroup>
      <MenuSeparator />
      <MenuItem icon={<SignOutIcon className="size-[18px]" />} onSelect={() => signOut.mutate()}>
        {t('shell.signOut')}
      </MenuItem>
    </Menu>
  );
}
