import type { Conversation } from '@tessera/shared';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { ArchiveIcon, TrashIcon, UnarchiveIcon } from '../../components/ui/icons.tsx';
import { InlineConfirm } from '../../components/ui/InlineConfirm.tsx';
import { ListError, ListLoading, ListLoadMore } from '../../components/ui/ListStates.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { useLoadMore } from '../../lib/use-load-more.ts';
import { showToast } from '../../lib/toast.ts';
import { useArchivedConversations, useDeleteConversation, useUpdateConversation } from './api.ts';
import { conversationTitle } from './ConversationList.tsx';

const iconBtn =
  'focus-ring inline-flex size-9 shrink-0 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg disabled:opacity-40';

function ArchivedRow({ conversation, onOpen }: { conversation: Conversation; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const [location, navigate] = useLocation();
  const update = useUpdateConversation();
  const remove = useDeleteConversation();
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const fail = (e: unknown) => showToast(errorMessage(e, t), 'error');
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(conversation.updatedAt));
  const href = `/c/${conversation.id}`;
  const title = conversationTitle(conversation.title, t);

  return (
    <li className="rounded-xl border border-line" data-testid="archived-row">
      <div className="flex items-center gap-1 py-1 pr-1 pl-3">
        <Link href={href} onClick={onOpen} className="focus-ring min-w-0 flex-1 rounded-md py-1.5 text-left">
          <span className="block truncate text-sm font-medium text-fg">{title}</span>
          <span className="block text-xs text-muted">{t('archive.archivedOn', { date })}</span>
        </Link>
        <button
          type="button"
          className={iconBtn}
          disabled={update.isPending}
          aria-label={t('archive.unarchiveLabel', { title })}
          title={t('archive.unarchive')}
          onClick={() =>
            update.mutate(
              { id: conversation.id, body: { archived: false } },
              { onSuccess: () => showToast(t('archive.unarchived')), onError: fail },
            )
          }
        >
          <UnarchiveIcon className="size-[18px]" />
        </button>
        <button
          type="button"
          className={`${iconBtn} hover:bg-danger-soft hover:text-danger`}
          aria-label={t('archive.deleteLabel', { title })}
          title={t('archive.delete')}
          onClick={() => {
            setConfirming(true);
            requestAnimationFrame(() => cancelRef.current?.focus());
          }}
        >
          <TrashIcon className="size-[18px]" />
        </button>
      </div>
      {confirming ? (
        <InlineConfirm
          label={t('sidebar.deleteTitle')}
          message={t('sidebar.deleteBody', { title })}
          cancelLabel={t('chat.cancel')}
          confirmLabel={t('sidebar.confirmDelete')}
          pending={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(conversation.id, {
              onError: fail,
              onSuccess: () => {
                if (location === href) navigate('/');
              },
            })
          }
          cancelRef={cancelRef}
          cancelOnEscape
          className="border-t border-line px-3 py-2.5"
        />
      ) : null}
    </li>
  );
}

function ArchivedList({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation();
  const list = useArchivedConversations(true);
  const sentinel = useLoadMore(list);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="min-h-0 overflow-y-auto overscroll-contain px-5 pt-2 pb-5" data-testid="archived-list">
      {list.isPending ? (
        <ListLoading label={t('app.loading')} />
      ) : list.isError ? (
        <ListError>{errorMessage(list.error, t)}</ListError>
      ) : items.length === 0 ? (
        <div className="flex flex-col items-center rounded-xl border border-dashed border-line px-4 py-8 text-center">
          <ArchiveIcon className="mb-2 size-6 text-faint" />
          <p className="text-sm text-muted">{t('archive.empty')}</p>
        </div>
      ) : (
        <ul className="space-y-2">
          {items.map((c) => (
            <ArchivedRow key={c.id} conversation={c} onOpen={onOpen} />
          ))}
        </ul>
      )}
      <ListLoadMore sentinel={sentinel} loading={list.isFetchingNextPage} />
    </div>
  );
}

/** The sidebar's "Archived chats" entry and its dialog: open, unarchive or delete archived chats. */
export function ArchivedChatsButton({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        className="focus-ring flex h-10 w-full cursor-pointer items-center gap-2.5 rounded-xl px-2.5 text-sm text-fg hover:bg-subtle"
      >
        <ArchiveIcon className="size-[18px] text-muted" />
        {t('archive.open')}
      </button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={t('archive.title')}
        description={t('archive.description')}
        closeLabel={t('archive.close')}
        size="lg"
      >
        {open ? (
          <ArchivedList
            onOpen={() => {
              setOpen(false);
              onNavigate?.();
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}

/** In the chat pane's bar of an archived conversation: says so, and brings it back. */
export function ArchivedBadge({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const update = useUpdateConversation();
  if (!conversation.archived) return null;
  return (
    <span className="inline-flex shrink-0 items-center gap-1 rounded-full bg-subtle py-0.5 pr-0.5 pl-2 text-xs text-muted">
      <ArchiveIcon className="size-3.5" />
      <span>{t('archive.badge')}</span>
      <button
        type="button"
        disabled={update.isPending}
        onClick={() =>
          update.mutate(
            { id: conversation.id, body: { archived: false } },
            {
              onSuccess: () => showToast(t('archive.unarchived')),
              onError: (e) => showToast(errorMessage(e, t), 'error'),
            },
          )
        }
        className="focus-ring cursor-pointer rounded-full px-2 py-0.5 font-medium text-accent hover:bg-subtle-strong"
        aria-label={t('archive.unarchiveLabel', { title: conversationTitle(conversation.title, t) })}
      >
        {t('archive.unarchive')}
      </button>
    </span>
  );
}
