import type { Conversation } from '@tessera/shared';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useRoute } from 'wouter';
import { Button } from '../../components/ui/Button.tsx';
import { cn } from '../../components/ui/cn.ts';
import { Dialog } from '../../components/ui/Dialog.tsx';
import { ChatIcon, TrashIcon } from '../../components/ui/icons.tsx';
import { ListError, ListLoading, ListLoadMore } from '../../components/ui/ListStates.tsx';
import { Menu, MenuItem, MenuSeparator } from '../../components/ui/Menu.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { showToast } from '../../lib/toast.ts';
import {
  duplicateConversation,
  refetchConversations,
  updateListCache,
  useConversations,
  useDeleteConversation,
  useUpdateConversation,
} from './api.ts';
import { useLoadMore } from '../../lib/use-load-more.ts';

type Group = 'pinned' | 'today' | 'yesterday' | 'week' | 'month' | 'older';

export function groupOf(conversation: Conversation, now: Date): Group {
  if (conversation.pinned) return 'pinned';
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const t = new Date(conversation.updatedAt).getTime();
  if (t >= day) return 'today';
  if (t >= day - 86_400_000) return 'yesterday';
  if (t >= day - 7 * 86_400_000) return 'week';
  if (t >= day - 30 * 86_400_000) return 'month';
  return 'older';
}

/** The title the server gives a conversation until one is written for it (stored in English). */
export const SERVER_DEFAULT_TITLE = 'New chat';

/** A conversation's title as shown: the server's untitled default reads in the user's language. */
export function conversationTitle(title: string, t: TFunction): string {
  return title === SERVER_DEFAULT_TITLE ? t('chat.newChat') : title;
}

const dots = (
  <svg aria-hidden="true" viewBox="0 0 24 24" className="size-4" fill="currentColor">
    <circle cx="5" cy="12" r="1.7" />
    <circle cx="12" cy="12" r="1.7" />
    <circle cx="19" cy="12" r="1.7" />
  </svg>
);

function Item({
  conversation,
  active,
  onNavigate,
}: {
  conversation: Conversation;
  active: boolean;
  onNavigate?: () => void;
}) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const update = useUpdateConversation();
  const remove = useDeleteConversation();
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const shown = conversationTitle(conversation.title, t);
  const [title, setTitle] = useState(shown);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (renaming) inputRef.current?.select();
  }, [renaming]);

  const qc = useQueryClient();
  const fail = (e: unknown) => showToast(errorMessage(e, t), 'error');
  const duplicate = () =>
    duplicateConversation(conversation.id).then((copy) => {
      updateListCache(qc, copy);
      showToast(t('fork.duplicated'));
      navigate(`/c/${copy.id}`);
      onNavigate?.();
    }, fail);
  const commit = () => {
    setRenaming(false);
    const next = title.trim();
    if (next && next !== shown) update.mutate({ id: conversation.id, body: { title: next } }, { onError: fail });
    else setTitle(shown);
  };

  return (
    <li className="group relative">
      {renaming ? (
        <input
          ref={inputRef}
          value={title}
          aria-label={t('sidebar.renameLabel')}
          onChange={(e) => setTitle(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setTitle(shown);
              setRenaming(false);
            }
          }}
          className="h-9 w-full rounded-lg border border-line-strong bg-elevated px-2.5 text-sm text-fg outline-none"
        />
      ) : (
        <Link
          href={`/c/${conversation.id}`}
          onClick={onNavigate}
          aria-current={active ? 'page' : undefined}
          className={cn(
            'focus-ring flex h-9 items-center rounded-lg pr-9 pl-2.5 text-sm text-fg hover:bg-subtle',
            active && 'bg-subtle-strong hover:bg-subtle-strong',
          )}
        >
          {conversation.pinned ? (
            <svg
              aria-hidden="true"
              viewBox="0 0 24 24"
              className="mr-1.5 size-3.5 shrink-0 text-faint"
              fill="currentColor"
            >
              <path d="M14 3l7 7-3 1-4 4 1 5-2 1-4-5-5 5-1-1 5-5-5-4 1-2 5 1 4-4z" />
            </svg>
          ) : null}
          <span className="truncate">{shown}</span>
        </Link>
      )}
      {!renaming ? (
        <div className="absolute top-0.5 right-0.5">
          <Menu
            placement="bottom-end"
            className="min-w-44"
            trigger={(props, open) => (
              <button
                {...props}
                aria-label={t('sidebar.options', { title: shown })}
                className={cn(
                  'focus-ring inline-flex size-8 cursor-pointer items-center justify-center rounded-md text-muted hover:text-fg md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100',
                  (open || active) && 'md:opacity-100',
                )}
              >
                {dots}
              </button>
            )}
          >
            <MenuItem
              onSelect={() => {
                setTitle(shown);
                setRenaming(true);
              }}
            >
              {t('sidebar.rename')}
            </MenuItem>
            <MenuItem onSelect={() => void duplicate()}>{t('fork.duplicate')}</MenuItem>
            <MenuItem
              onSelect={() =>
                update.mutate({ id: conversation.id, body: { pinned: !conversation.pinned } }, { onError: fail })
              }
            >
              {conversation.pinned ? t('sidebar.unpin') : t('sidebar.pin')}
            </MenuItem>
            <MenuItem
              onSelect={() =>
                update.mutate(
                  { id: conversation.id, body: { archived: true } },
                  {
                    onError: fail,
                    onSuccess: () => {
                      showToast(t('sidebar.archived'));
                      if (active) navigate('/');
                    },
                  },
                )
              }
            >
              {t('sidebar.archive')}
            </MenuItem>
            <MenuSeparator />
            <MenuItem tone="danger" icon={<TrashIcon className="size-4" />} onSelect={() => setConfirming(true)}>
              {t('sidebar.delete')}
            </MenuItem>
          </Menu>
        </div>
      ) : null}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('sidebar.deleteTitle')}
        description={t('sidebar.deleteBody', { title: shown })}
        size="sm"
      >
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            {t('chat.cancel')}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() =>
              remove.mutate(conversation.id, {
                onError: fail,
                onSuccess: () => {
                  setConfirming(false);
                  if (active) navigate('/');
                },
              })
            }
          >
            {t('sidebar.confirmDelete')}
          </Button>
        </div>
      </Dialog>
    </li>
  );
}

/** The sidebar's conversation list: grouped by age, pinned first, loaded page by page as it scrolls. */
export function ConversationList({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const list = useConversations();
  const [, params] = useRoute('/c/:id');
  const sentinel = useLoadMore(list);
  const qc = useQueryClient();

  // Back to this window (another window or app had focus): chats made elsewhere appear. Switching back
  // to this tab is covered by the query itself (visibilitychange).
  useEffect(() => {
    const onFocus = () => void refetchConversations(qc);
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [qc]);

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const now = new Date();
  const groups = new Map<Group, Conversation[]>();
  for (const c of items) {
    const g = groupOf(c, now);
    const arr = groups.get(g);
    if (arr) arr.push(c);
    else groups.set(g, [c]);
  }
  const order: Group[] = ['pinned', 'today', 'yesterday', 'week', 'month', 'older'];

  return (
    <nav aria-labelledby={headingId} className="min-h-0 flex-1 overflow-y-auto px-2">
      <h2 id={headingId} className="sr-only">
        {t('shell.conversations')}
      </h2>
      {list.isPending ? (
        <ListLoading />
      ) : list.isError ? (
        <ListError className="px-2.5">{errorMessage(list.error, t)}</ListError>
      ) : items.length === 0 ? (
        <div className="mx-1 mt-3 flex flex-col items-center rounded-xl border border-dashed border-line px-4 py-6 text-center">
          <ChatIcon className="mb-2 size-6 text-faint" />
          <p className="text-sm font-medium text-fg">{t('shell.conversationsEmpty')}</p>
          <p className="mt-1 text-xs leading-relaxed text-muted">{t('shell.conversationsHint')}</p>
        </div>
      ) : (
        order.map((g) => {
          const group = groups.get(g);
          if (!group) return null;
          return (
            <section key={g} aria-label={t(`sidebar.groups.${g}`)}>
              <h3 className="px-2.5 pt-3 pb-1.5 text-xs font-medium text-faint">{t(`sidebar.groups.${g}`)}</h3>
              <ul className="space-y-px">
                {group.map((c) => (
                  <Item key={c.id} conversation={c} active={params?.id === c.id} onNavigate={onNavigate} />
                ))}
              </ul>
            </section>
          );
        })
      )}
      <ListLoadMore sentinel={sentinel} loading={list.isFetchingNextPage} />
    </nav>
  );
}
