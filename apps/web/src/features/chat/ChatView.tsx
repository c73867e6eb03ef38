import type { ChatRequest, Me, Message } from '@tessera/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { cn } from '../../components/ui/cn.ts';
import { TemporaryChatIcon } from '../../components/ui/icons.tsx';
import { Logo } from '../../components/ui/Logo.tsx';
import { Spinner } from '../../components/ui/Spinner.tsx';
import { errorMessage } from '../../lib/form-errors.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { showToast } from '../../lib/toast.ts';
import { useNumberFormat } from '../../lib/format.ts';
import { ConversationSettingsButton } from '../presets/ConversationSettings.tsx';
import { clearDraftSettings, draftRequestFields, getDraftSettings } from '../presets/draft.ts';
import { DraftPresetChip, PresetMenu } from '../presets/PresetMenu.tsx';
import { focusProviderKeyOnOpen } from '../provider-keys/focus.ts';
import { useShell } from '../shell/context.ts';
import { OutOfCreditsSlot } from '../shell/slots.tsx';
import {
  forkConversation,
  patchConversation,
  updateConversationCache,
  updateListCache,
  useConversation,
} from './api.ts';
import { ArchivedBadge } from './ArchivedChats.tsx';
import { Composer } from './Composer.tsx';
import { generate, isStreamingHere, resume, stop } from './controller.ts';
import { conversationTitle } from './ConversationList.tsx';
import type { MessageActions, MessageView } from './MessageItem.tsx';
import { MessageList } from './MessageList.tsx';
import { setTemporaryChat, useTemporaryChat } from './model-store.ts';
import { useModelChoice } from './ModelPicker.tsx';
import { ChatRequestError } from './sse.ts';
import { activePath, buildTree, newestLeaf, siblingsOf } from './tree.ts';

function Notice({ error, onDismiss }: { error: unknown; onDismiss: () => void }) {
  const { t } = useTranslation();
  const poor = error instanceof ChatRequestError && error.code === 'INSUFFICIENT_CREDITS';
  const { openSettings } = useShell();
  const keyFor = error instanceof ChatRequestError && error.code === 'PROVIDER_KEY_REQUIRED' ? error.endpoint : null;
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center gap-3 rounded-2xl border border-line bg-danger-soft px-4 py-3 text-sm text-danger"
    >
      <span className="min-w-0 flex-1">{errorMessage(error, t)}</span>
      {poor ? <OutOfCreditsSlot onDone={onDismiss} /> : null}
      {keyFor ? (
        <button
          type="button"
          onClick={() => {
            focusProviderKeyOnOpen(keyFor);
            openSettings('provider-keys');
          }}
          className="focus-ring cursor-pointer rounded-full bg-primary px-3 py-1.5 text-xs font-medium text-primary-fg"
        >
          {t('providerKeys.addKey')}
        </button>
      ) : null}
      <button
        type="button"
        onClick={onDismiss}
        className="focus-ring cursor-pointer rounded-full px-2 py-1 text-xs underline"
      >
        {t('chat.dismiss')}
      </button>
    </div>
  );
}

/** The new chat's "Temporary chat" switch (ChatGPT keeps one in the header). */
function TemporaryToggle() {
  const { t } = useTranslation();
  const on = useTemporaryChat();
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={() => setTemporaryChat(!on)}
      title={on ? t('temporaryChat.turnOff') : t('temporaryChat.turnOn')}
      data-testid="temporary-toggle"
      className={cn(
        'focus-ring inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-lg px-2 text-sm hover:bg-subtle',
        on ? 'bg-accent-soft text-accent hover:bg-accent-soft' : 'text-muted hover:text-fg',
      )}
    >
      <TemporaryChatIcon className="size-[18px]" />
      {/* The name stays in the accessibility tree on phones too, where only the icon shows. */}
      <span className="sr-only sm:not-sr-only">{t('temporaryChat.toggle')}</span>
    </button>
  );
}

/** The chat pane: "/" (a new chat) and "/c/:id". */
export function ChatView({ user, conversationId }: { user: Me; conversationId?: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const nf = useNumberFormat();
  const query = useConversation(conversationId);
  const data = conversationId ? query.data : undefined;
  const choice = useModelChoice();
  const temporaryDraft = useTemporaryChat();
  // A new chat started with the switch on, or a conversation that was started so.
  const temporary = data ? data.conversation.temporary : !conversationId && temporaryDraft;
  const title = data ? conversationTitle(data.conversation.title, t) : undefined;
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState<unknown>(null);
  const inputRef = useRef<HTMLTextAreaElement | null>(null);

  const tree = useMemo(() => buildTree(data?.messages ?? []), [data?.messages]);
  const path = useMemo(
    () => activePath(tree, data?.conversation.currentLeafId ?? null),
    [tree, data?.conversation.currentLeafId],
  );
  const streamingMessage = path.find((m) => m.status === 'streaming');
  const busy = sending || !!streamingMessage;
  const views = useMemo<MessageView[]>(
    () =>
      path.map((message) => {
        const siblings = siblingsOf(tree, message);
        return { message, index: siblings.indexOf(message) + 1, count: siblings.length, busy };
      }),
    [path, tree, busy],
  );

  useDocumentTitle(title ?? t('chat.newChat'));

  // After a reload (or in a second tab), follow replies still being generated.
  useEffect(() => {
    if (!data) return;
    for (const m of data.messages)
      if (m.status === 'streaming' && !isStreamingHere(m.id)) resume(qc, data.conversation.id, m.id);
  }, [data, qc]);

  const latest = useRef({ data, tree, choice, conversationId, busy });
  latest.current = { data, tree, choice, conversationId, busy };

  const run = useMemo(
    () => (body: ChatRequest) => {
      setNotice(null);
      setSending(true);
      generate(qc, body, {
        onStart: (conversation) => {
          setSending(false);
          if (!latest.current.conversationId) {
            clearDraftSettings(); // the new chat has them now
            navigate(`/c/${conversation.id}`);
          }
        },
        onRequestError: (error) => {
          setSending(false);
          setNotice(error);
        },
      });
      inputRef.current?.focus();
    },
    [qc, navigate],
  );

  const actions = useMemo<MessageActions>(
    () => ({
      onEditSave: (message, text) => {
        const { choice: c, data: d } = latest.current;
        if (!c || !d) return;
        run({ action: 'send', conversationId: d.conversation.id, parentId: message.parentId, content: text, ...c });
      },
      onRegenerate: (message) => {
        const c = latest.current.choice;
        if (!c) return;
        run({ action: 'regenerate', messageId: message.id, ...c });
      },
      onContinue: (message) => run({ action: 'continue', messageId: message.id }),
      onSwitch: (message: Message, direction) => {
        const { tree: tr, data: d } = latest.current;
        if (!d) return;
        const siblings = siblingsOf(tr, message);
        const target = siblings[siblings.indexOf(message) + direction];
        if (!target) return;
        const leaf = newestLeaf(tr, target);
        updateConversationCache(qc, d.conversation.id, (x) => ({
          ...x,
          conversation: { ...x.conversation, currentLeafId: leaf.id },
        }));
        void patchConversation(d.conversation.id, { currentLeafId: leaf.id }).catch(() => undefined);
      },
      onFork: (message, includeBranches) => {
        const d = latest.current.data;
        if (!d) return;
        forkConversation(d.conversation.id, message.id, includeBranches).then(
          (fork) => {
            updateListCache(qc, fork);
            showToast(t('fork.forked'));
            navigate(`/c/${fork.id}`);
          },
          (error: unknown) => showToast(errorMessage(error, t), 'error'),
        );
      },
    }),
    [qc, run, navigate, t],
  );

  const send = (text: string) => {
    const { choice: c, data: d, busy: b } = latest.current;
    if (!c || b) return false;
    run({
      action: 'send',
      ...(d ? { conversationId: d.conversation.id } : {}),
      parentId: path.at(-1)?.id ?? null,
      content: text,
      ...c,
      // A new chat starts with the settings (or preset) chosen for it, and as a temporary chat if asked.
      ...(d ? {} : draftRequestFields(getDraftSettings())),
      ...(d || !temporary ? {} : { temporary: true }),
    });
    return true;
  };

  const stopNow = () => {
    if (streamingMessage && data) void stop(qc, data.conversation.id, streamingMessage.id);
  };
  const stopRef = useRef(stopNow);
  stopRef.current = stopNow;

  // Esc stops a reply; Ctrl/Cmd+Shift+O starts a new chat.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) stopRef.current();
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        navigate('/');
        requestAnimationFrame(() => inputRef.current?.focus());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  const noticeEl = notice ? <Notice error={notice} onDismiss={() => setNotice(null)} /> : null;

  if (conversationId && query.isError) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 px-6 text-center">
        <p role="alert" className="text-[15px] text-fg">
          {errorMessage(query.error, t)}
        </p>
        <Link href="/" className="focus-ring rounded-lg text-sm text-accent underline">
          {t('chat.newChat')}
        </Link>
      </div>
    );
  }

  return (
    <div className="flex h-full flex-col">
      {data || !conversationId ? (
        <div
          className={cn('flex h-10 shrink-0 items-center gap-2 px-3 text-sm md:px-4', data && 'border-b border-line')}
        >
          {data ? (
            <h1 className="min-w-0 flex-1 truncate font-medium text-fg" data-testid="conversation-title">
              {title}
            </h1>
          ) : (
            <div className="flex min-w-0 flex-1 justify-end">
              <DraftPresetChip />
            </div>
          )}
          {data ? <ArchivedBadge conversation={data.conversation} /> : null}
          {data?.conversation.temporary ? (
            <span
              className="inline-flex shrink-0 items-center gap-1 rounded-full bg-subtle px-2 py-0.5 text-xs font-medium text-muted"
              data-testid="temporary-badge"
            >
              <TemporaryChatIcon className="size-3.5" />
              {t('temporaryChat.badge')}
            </span>
          ) : null}
          {data && data.conversation.totalCost > 0 ? (
            <span className="shrink-0 text-xs text-faint tabular-nums" data-testid="conversation-total">
              {t('chat.total', { value: nf.format(data.conversation.totalCost) })}
            </span>
          ) : null}
          {data ? null : <PresetMenu variant="bar" />}
          <ConversationSettingsButton conversation={data?.conversation ?? null} />
          {data ? null : <TemporaryToggle />}
        </div>
      ) : null}

      {conversationId && !data ? (
        <div role="status" className="flex flex-1 items-center justify-center text-muted">
          <Spinner className="size-6" />
          <span className="sr-only">{t('app.loading')}</span>
        </div>
      ) : data && views.length ? (
        <MessageList views={views} actions={actions} conversationKey={data.conversation.id} footer={noticeEl} />
      ) : (
        <div className="flex min-h-0 flex-1 flex-col items-center justify-center overflow-y-auto px-6 py-10 text-center">
          {temporary ? <TemporaryChatIcon className="mb-5 size-11 text-muted" /> : <Logo className="mb-5 size-11" />}
          <h1 className="text-2xl font-semibold tracking-tight text-fg sm:text-3xl">
            {temporary ? t('temporaryChat.title') : t('home.welcome', { name: user.name })}
          </h1>
          <p className="mt-3 max-w-md text-[15px] leading-relaxed text-muted">
            {temporary ? t('temporaryChat.emptyHint') : t('chat.emptyHint')}
          </p>
          {noticeEl ? <div className="mt-6 w-full max-w-xl text-left">{noticeEl}</div> : null}
        </div>
      )}

      <Composer
        onSend={send}
        onStop={stopNow}
        streaming={busy}
        disabled={!choice}
        inputRef={inputRef}
        notice={
          temporary ? (
            <>
              <TemporaryChatIcon className="mt-0.5 size-4 shrink-0" />
              <span>{t('temporaryChat.notice')}</span>
            </>
          ) : null
        }
      />
      <span className="sr-only" aria-live="polite">
        {sending ? t('chat.sending') : ''}
      </span>
    </div>
  );
}
