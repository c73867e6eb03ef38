import type { Me } from '@tessera/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { CloseIcon, NewChatIcon } from '../../components/ui/icons.tsx';
import { Logo } from '../../components/ui/Logo.tsx';
import { ArchivedChatsButton } from '../chat/ArchivedChats.tsx';
import { ConversationList } from '../chat/ConversationList.tsx';
import { PresetMenu } from '../presets/PresetMenu.tsx';
import { SidebarFooterSlot } from './slots.tsx';
import { UserMenu } from './UserMenu.tsx';

export interface SidebarProps {
  user: Me;
  onOpenSettings: () => void;
  /** Present in the mobile drawer: closes it. */
  onClose?: () => void;
}

/** Sidebar content, shared by the desktop column and the mobile drawer. */
export function Sidebar({ user, onOpenSettings, onClose }: SidebarProps) {
  const { t } = useTranslation();
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-14 shrink-0 items-center gap-2 px-3">
        <Link
          href="/"
          onClick={onClose}
          className="focus-ring flex items-center gap-2 rounded-lg px-1 py-1 text-[15px] font-semibold text-fg"
        >
          <Logo className="size-7" />
          <span>{t('app.name')}</span>
        </Link>
        <div className="flex-1" />
        {onClose ? (
          <button
            type="button"
            onClick={onClose}
            aria-label={t('shell.closeSidebar')}
            className="focus-ring inline-flex size-9 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
          >
            <CloseIcon />
          </button>
        ) : null}
      </div>

      <div className="px-2 pb-2">
        <div className="flex items-center gap-1">
          <Link
            href="/"
            onClick={onClose}
            className="focus-ring flex h-10 min-w-0 flex-1 items-center gap-2.5 rounded-xl px-2.5 text-sm font-medium text-fg hover:bg-subtle"
          >
            <NewChatIcon className="size-[18px]" />
            {t('shell.newChat')}
          </Link>
          <PresetMenu onNavigate={onClose} />
        </div>
        <ArchivedChatsButton onNavigate={onClose} />
      </div>

      <ConversationList onNavigate={onClose} />

      <div className="shrink-0 space-y-2 border-t border-line p-2 pb-[max(0.5rem,env(safe-area-inset-bottom))]">
        <SidebarFooterSlot onNavigate={onClose} />
        <UserMenu user={user} onOpenSettings={onOpenSettings} />
      </div>
    </div>
  );
}
