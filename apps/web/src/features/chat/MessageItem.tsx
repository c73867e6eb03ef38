import type { Message } from '@tessera/shared';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckIcon, CopyIcon, ForkIcon } from '../../components/ui/icons.tsx';
import { Menu, MenuItem } from '../../components/ui/Menu.tsx';
import { useNumberFormat } from '../../lib/format.ts';
import { useModels } from './api.ts';
import { replyErrorText } from './reply-error.ts';
import { InfoIcon } from './parts/icons.tsx';
import { PartList } from './parts/PartList.tsx';
import { partsOf, useReplyNotice, useStreamParts } from './stream-store.ts';

export interface MessageActions {
  onEditSave: (message: Message, text: string) => void;
  onRegenerate: (message: Message) => void;
  onContinue: (message: Message) => void;
  onSwitch: (message: Message, direction: -1 | 1) => void;
  /** A new conversation from this message: its branch only, or with the branches below it. */
  onFork: (message: Message, includeBranches: boolean) => void;
}

export interface MessageView {
  message: Message;
  /** 1-based position among its siblings, and their count. */
  index: number;
  count: number;
  /** Another reply is streaming: hide actions that would start a second one. */
  busy: boolean;
}

const iconBtn =
  'focus-ring inline-flex size-8 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg disabled:cursor-not-allowed disabled:opacity-40';

function Icon({ d }: { d: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className="size-4"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={d} />
    </svg>
  );
}
const EDIT = 'M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4';
const REGEN = 'M20 12a8 8 0 1 1-2.3-5.6M20 4v5h-5';
const CONTINUE = 'M5 12h14M13 6l6 6-6 6';

function CopyMessage({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className={iconBtn}
      aria-label={copied ? t('chat.copied') : t('chat.copyMessage')}
      title={t('chat.copyMessage')}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
    </button>
  );
}

function BranchArrows({ view, onSwitch }: { view: MessageView; onSwitch: MessageActions['onSwitch'] }) {
  const { t } = useTranslation();
  if (view.count < 2) return null;
  return (
    <div className="flex items-center text-xs text-muted tabular-nums">
      <button
        type="button"
        className={iconBtn}
        disabled={view.index <= 1 || view.busy}
        aria-label={t('chat.previousBranch')}
        onClick={() => onSwitch(view.message, -1)}
      >
        <Icon d="M15 6l-6 6 6 6" />
      </button>
      <span aria-label={t('chat.branchOf', { index: view.index, count: view.count })}>
        {view.index} / {view.count}
      </span>
      <button
        type="button"
        className={iconBtn}
        disabled={view.index >= view.count || view.busy}
        aria-label={t('chat.nextBranch')}
        onClick={() => onSwitch(view.message, 1)}
      >
        <Icon d="M9 6l6 6-6 6" />
      </button>
    </div>
  );
}

function ForkMenu({
  message,
  disabled,
  onFork,
}: {
  message: Message;
  disabled: boolean;
  onFork: MessageActions['onFork'];
}) {
  const { t } = useTranslation();
  return (
    <Menu
      placement="top"
      // A user message's actions sit at the right edge: open the menu leftwards so it stays on screen.
      className={message.role === 'user' ? 'right-0 left-auto!' : undefined}
      trigger={(props) => (
        <button {...props} disabled={disabled} className={iconBtn} aria-label={t('fork.menu')} title={t('fork.menu')}>
          <ForkIcon className="size-4" />
        </button>
      )}
    >
      <MenuItem onSelect={() => onFork(message, false)}>{t('fork.thisBranch')}</MenuItem>
      <MenuItem onSelect={() => onFork(message, true)}>{t('fork.withBranches')}</MenuItem>
    </Menu>
  );
}

/**
 * Cost, tokens and timing of a reply. Shown whenever any of them exists: a reply on a free endpoint, or
 * with billing off, has no cost but still has its tokens and timing.
 */
function ReplyDetails({ message }: { message: Message }) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const [open, setOpen] = useState(false);
  const u = message.usage;
  // A reply that failed before any text cost nothing and used nothing worth showing.
  if (message.status === 'error' && !message.content && !message.cost) return null;
  const label =
    message.cost !== null ? (
      <span data-testid="message-cost">{t('credits.amount', { value: nf.format(message.cost) })}</span>
    ) : u && u.inputTokens + u.outputTokens > 0 ? (
      <span data-testid="message-tokens">
        {t('chat.details.tokens', { value: nf.format(u.inputTokens + u.outputTokens) })}
      </span>
    ) : message.durationMs !== null ? (
      t('chat.details.ms', { value: nf.format(message.durationMs) })
    ) : null;
  if (label === null) return null;
  const rows: [string, string][] = [[t('chat.details.model'), message.model ?? '—']];
  if (u) {
    rows.push([t('chat.details.input'), nf.format(u.inputTokens)]);
    rows.push([t('chat.details.output'), nf.format(u.outputTokens)]);
    if (u.cacheReadTokens) rows.push([t('chat.details.cached'), nf.format(u.cacheReadTokens)]);
    if (u.reasoningTokens) rows.push([t('chat.details.reasoning'), nf.format(u.reasoningTokens)]);
  }
  if (message.ttftMs !== null)
    rows.push([t('chat.details.ttft'), t('chat.details.ms', { value: nf.format(message.ttftMs) })]);
  if (message.durationMs !== null)
    rows.push([t('chat.details.duration'), t('chat.details.ms', { value: nf.format(message.durationMs) })]);
  const summary = rows.map(([k, v]) => `${k}: ${v}`).join('\n');
  return (
    <div className="relative">
      <button
        type="button"
        title={summary}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="focus-ring cursor-pointer rounded-md px-1.5 py-1 text-xs text-faint tabular-nums hover:bg-subtle hover:text-fg"
        data-testid="message-details"
      >
        {label}
      </button>
      {open ? (
        <dl className="absolute bottom-full left-0 z-20 mb-1 grid w-60 grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border border-line bg-elevated p-3 text-xs shadow-lg">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-muted">{k}</dt>
              <dd className="truncate text-right text-fg tabular-nums">{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

/** Only a rejected key needs the endpoint's key kind: the models query is read for that case alone. */
function ErrorText({ message }: { message: Message }) {
  const { t } = useTranslation();
  return (
    <span className="min-w-0 flex-1 break-words">
      {message.error?.code === 'PROVIDER_AUTH' ? <AuthErrorText message={message} /> : replyErrorText(message.error, t)}
    </span>
  );
}

function AuthErrorText({ message }: { message: Message }) {
  const { t } = useTranslation();
  const { data } = useModels();
  const endpoint = data?.endpoints.find((e) => e.id === message.endpoint);
  return <>{replyErrorText(message.error, t, endpoint ? endpoint.userKey !== 'none' : undefined)}</>;
}

function EditBox({
  message,
  onSave,
  onCancel,
}: {
  message: Message;
  onSave: (text: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(message.content);
  return (
    <form
      className="ml-auto w-full max-w-[85%] rounded-2xl bg-subtle p-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSave(text.trim());
      }}
    >
      <textarea
        autoFocus
        value={text}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
        aria-label={t('chat.editLabel')}
        className="w-full resize-y bg-transparent text-[15px] leading-6 text-fg outline-none"
      />
      <div className="mt-2 flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="focus-ring cursor-pointer rounded-full px-3 py-1.5 text-sm text-fg hover:bg-subtle-strong"
        >
          {t('chat.cancel')}
        </button>
        <button
          type="submit"
          disabled={!text.trim()}
          className="focus-ring cursor-pointer rounded-full bg-primary px-3 py-1.5 text-sm text-primary-fg disabled:opacity-40"
        >
          {t('chat.saveAndSend')}
        </button>
      </div>
    </form>
  );
}

/**
 * A reply's parts: live from the stream store while this tab streams it (only this component re-renders
 * per delta), else as saved. One component either way, so a part keeps its state (an opened reasoning
 * block) when the reply finishes.
 */
function AssistantBody({ message }: { message: Message }) {
  const live = useStreamParts(message.id);
  const streaming = message.status === 'streaming';
  const parts = live ?? partsOf(message);
  if (parts.length === 0 && streaming)
    return (
      <span className="inline-flex gap-1 py-2" aria-hidden="true">
        <span className="size-2 animate-pulse rounded-full bg-muted" />
      </span>
    );
  return <PartList parts={parts} messageId={message.id} role="assistant" streaming={streaming} className="gap-3" />;
}

/** The reply's output limit was lowered to what the balance pays: said quietly under the reply. */
function OutputLimitNotice({ messageId }: { messageId: string }) {
  const { t } = useTranslation();
  const nf = useNumberFormat();
  const notice = useReplyNotice(messageId);
  if (notice?.code !== 'OUTPUT_LIMIT_LOWERED') return null;
  return (
    <p className="mt-2 flex items-start gap-1.5 text-xs text-faint" data-testid="output-limit-notice">
      <InfoIcon className="mt-px size-3.5 shrink-0" />
      <span>
        {t('parts.outputLimitLowered', {
          max: nf.format(notice.maxOutputTokens),
          requested: nf.format(notice.requested),
        })}
      </span>
    </p>
  );
}

function MessageItemImpl({ view, actions }: { view: MessageView; actions: MessageActions }) {
  const { t } = useTranslation();
  const { message, busy } = view;
  const [editing, setEditing] = useState(false);
  const streaming = message.status === 'streaming';

  if (message.role === 'user') {
    return (
      <div className="group flex flex-col items-end gap-1" data-testid="user-message" data-message-id={message.id}>
        {editing ? (
          <EditBox
            message={message}
            onCancel={() => setEditing(false)}
            onSave={(text) => {
              setEditing(false);
              actions.onEditSave(message, text);
            }}
          />
        ) : (
          <div className="max-w-[85%] rounded-3xl bg-subtle px-4 py-2.5 text-[15px] leading-6 text-fg">
            <PartList parts={partsOf(message)} messageId={message.id} role="user" className="gap-2" />
          </div>
        )}
        {!editing ? (
          <div className="flex items-center gap-0.5 opacity-100 transition-opacity md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
            <CopyMessage text={message.content} />
            <button
              type="button"
              className={iconBtn}
              disabled={busy}
              aria-label={t('chat.edit')}
              title={t('chat.edit')}
              onClick={() => setEditing(true)}
            >
              <Icon d={EDIT} />
            </button>
            <ForkMenu message={message} disabled={busy} onFork={actions.onFork} />
            <BranchArrows view={view} onSwitch={actions.onSwitch} />
          </div>
        ) : null}
      </div>
    );
  }

  // Cut off by the length limit, stopped, or failed after some text (the server continues all of those).
  const canContinue =
    !streaming &&
    (message.finishReason === 'length' ||
      message.status === 'stopped' ||
      (message.status === 'error' && message.content.trim() !== ''));
  return (
    <div
      className="group flex flex-col gap-1"
      data-testid="assistant-message"
      data-message-id={message.id}
      data-status={message.status}
    >
      <div
        className="text-[15px] text-fg"
        aria-live={streaming ? 'polite' : undefined}
        aria-busy={streaming || undefined}
      >
        <AssistantBody message={message} />
        <OutputLimitNotice messageId={message.id} />
      </div>
      {message.status === 'error' ? (
        <div
          role="alert"
          className="mt-1 flex flex-wrap items-center gap-3 rounded-xl bg-danger-soft px-3.5 py-2.5 text-sm text-danger"
        >
          <ErrorText message={message} />
          <button
            type="button"
            disabled={busy}
            onClick={() => actions.onRegenerate(message)}
            className="focus-ring cursor-pointer rounded-full border border-current px-3 py-1 text-xs font-medium disabled:opacity-40"
          >
            {t('chat.retry')}
          </button>
        </div>
      ) : null}
      {message.status === 'stopped' ? <p className="text-xs text-faint">{t('chat.stopped')}</p> : null}
      {!streaming ? (
        <div className="-ml-1.5 flex flex-wrap items-center gap-0.5">
          {message.content ? <CopyMessage text={message.content} /> : null}
          <button
            type="button"
            className={iconBtn}
            disabled={busy}
            aria-label={t('chat.regenerate')}
            title={t('chat.regenerate')}
            onClick={() => actions.onRegenerate(message)}
          >
            <Icon d={REGEN} />
          </button>
          {canContinue ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => actions.onContinue(message)}
              className="focus-ring inline-flex h-8 cursor-pointer items-center gap-1 rounded-lg px-2 text-xs text-muted hover:bg-subtle hover:text-fg disabled:opacity-40"
            >
              <Icon d={CONTINUE} />
              {t('chat.continue')}
            </button>
          ) : null}
          <ForkMenu message={message} disabled={busy} onFork={actions.onFork} />
          <BranchArrows view={view} onSwitch={actions.onSwitch} />
          <ReplyDetails message={message} />
        </div>
      ) : null}
    </div>
  );
}

/** Memoised: while a reply streams, only its AssistantBody (and in it, the growing part) re-renders. */
export const MessageItem = memo(MessageItemImpl, (a, b) => {
  const x = a.view;
  const y = b.view;
  return (
    x.message === y.message &&
    x.index === y.index &&
    x.count === y.count &&
    x.busy === y.busy &&
    a.actions === b.actions
  );
});
