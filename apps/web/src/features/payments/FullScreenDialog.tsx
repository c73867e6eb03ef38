import { useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from '../../components/ui/icons.tsx';

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),iframe,[tabindex]:not([tabindex="-1"])';

/** A radio group is one Tab stop: the checked radio, or the first one when none is checked. */
function isSkippedRadio(el: HTMLElement): boolean {
  if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return false;
  const group = Array.from(el.ownerDocument.getElementsByName(el.name)).filter(
    (r): r is HTMLInputElement => r instanceof HTMLInputElement && r.type === 'radio',
  );
  return (group.find((r) => r.checked) ?? group[0]) !== el;
}

function tabStops(dialog: HTMLDialogElement): HTMLElement[] {
  return Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && !isSkippedRadio(el),
  );
}

export interface FullScreenDialogProps {
  title: ReactNode;
  description?: ReactNode;
  /** Esc, the close button: ignored while `closable` is false (a payment is being confirmed). */
  onClose: () => void;
  closable: boolean;
  closeLabel: string;
  children: ReactNode;
}

/**
 * A modal that covers the whole viewport, on the native <dialog> (showModal makes the page behind
 * it inert). Tab and Shift+Tab cycle inside it; Esc closes it unless `closable` is false.
 */
export function FullScreenDialog({
  title,
  description,
  onClose,
  closable,
  closeLabel,
  children,
}: FullScreenDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const latest = useRef({ onClose, closable });
  useEffect(() => {
    latest.current = { onClose, closable };
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may be gone (the mobile drawer closes): then the main region takes focus.
      if (returnFocus?.isConnected) returnFocus.focus();
      else document.getElementById('main')?.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // Esc is handled in onKeyDown; this catches a close request the browser did not let us cancel.
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (latest.current.closable) latest.current.onClose();
    };
    const onNativeClose = () => {
      // Already shown again (StrictMode's second mount), or unmounting: nothing to report.
      if (dialog.open || !dialog.isConnected) return;
      if (!latest.current.closable) dialog.showModal();
      else latest.current.onClose();
    };
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onNativeClose);
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (closable) onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const stops = tabStops(event.currentTarget);
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !event.currentTarget.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !event.currentTarget.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onKeyDown={onKeyDown}
      className="m-0 h-dvh max-h-none w-full max-w-none overflow-hidden bg-app p-0 text-fg backdrop:bg-transparent"
    >
      <div className="flex h-full flex-col animate-[fade-in_150ms_ease-out]">
        <header className="flex shrink-0 items-center gap-3 border-b border-line px-4 py-3 sm:px-6">
          <div className="min-w-0 flex-1">
            <h2 id={titleId} className="truncate text-lg font-semibold text-fg">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="hidden text-sm text-muted sm:block">
                {description}
              </p>
            ) : null}
          </div>
          <button
            type="button"
            onClick={onClose}
            disabled={!closable}
            aria-label={closeLabel}
            className="focus-ring inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg disabled:cursor-not-allowed disabled:opacity-40"
          >
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
