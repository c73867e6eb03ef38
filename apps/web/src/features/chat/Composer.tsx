import { useEffect, useLayoutEffect, useRef, useState, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

function SendIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M12 19V5M5 12l7-7 7 7" />
    </svg>
  );
}
function StopIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-4" fill="currentColor">
      <rect x="6" y="6" width="12" height="12" rx="2" />
    </svg>
  );
}

/**
 * Auto-growing textarea: Enter sends, Shift+Enter adds a line; Stop replaces Send while streaming.
 * `notice`: a line above the box about where this chat goes (e.g. a temporary chat), on every screen size.
 */
export function Composer({
  onSend,
  onStop,
  streaming,
  disabled,
  inputRef,
  notice,
}: {
  onSend: (text: string) => boolean | void;
  onStop: () => void;
  streaming: boolean;
  disabled?: boolean;
  inputRef?: Ref<HTMLTextAreaElement>;
  notice?: ReactNode;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);

  const canSend = text.trim().length > 0 && !streaming && !disabled;
  const submit = () => {
    if (!canSend) return;
    if (onSend(text.trim()) !== false) setText('');
  };

  return (
    <form
      className="mx-auto w-full max-w-3xl px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] md:px-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {notice ? (
        <p
          data-testid="composer-notice"
          className="mx-auto mb-2 flex w-fit max-w-full items-start gap-1.5 rounded-2xl bg-subtle px-3 py-1.5 text-xs leading-5 text-muted"
        >
          {notice}
        </p>
      ) : null}
      <div className="flex items-end gap-2 rounded-3xl border border-line bg-elevated p-2 pl-4 shadow-sm focus-within:border-line-strong">
        <textarea
          ref={(el) => {
            ref.current = el;
            if (typeof inputRef === 'function') inputRef(el);
            else if (inputRef) inputRef.current = el;
          }}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          placeholder={t('chat.placeholder')}
          aria-label={t('chat.messageLabel')}
          className="max-h-60 min-h-10 flex-1 resize-none bg-transparent py-2 text-[15px] leading-6 text-fg outline-none placeholder:text-faint"
        />
        {streaming ? (
          <button
            type="button"
            onClick={onStop}
            aria-label={t('chat.stop')}
            title={t('chat.stop')}
            className="focus-ring inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full bg-primary text-primary-fg hover:bg-primary-hover"
          >
            <StopIcon />
          </button>
        ) : (
          <button
            type="submit"
            disabled={!canSend}
            aria-label={t('chat.send')}
            title={t('chat.send')}
            className="focus-ring inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full bg-primary text-primary-fg hover:bg-primary-hover disabled:cursor-not-allowed disabled:opacity-30"
          >
            <SendIcon />
          </button>
        )}
      </div>
      <p className="mt-1.5 hidden text-center text-xs text-faint sm:block">{t('chat.hint')}</p>
    </form>
  );
}
