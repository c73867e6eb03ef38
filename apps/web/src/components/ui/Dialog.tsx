import { useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { cn } from './cn.ts';
import { CloseIcon } from './icons.tsx';

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

/** Tab stops once per radio group: on the checked radio, or the first one if none is checked. */
function isSkippedRadio(el: HTMLElement): boolean {
  if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return false;
  const group = Array.from(el.form?.elements ?? el.ownerDocument.getElementsByName(el.name)).filter(
    (r): r is HTMLInputElement => r instanceof HTMLInputElement && r.type === 'radio' && r.name === el.name,
  );
  const stop = group.find((r) => r.checked) ?? group[0];
  return stop !== el;
}

/** Keeps Tab and Shift+Tab cycling inside the dialog (the browser would let focus leave to its UI). */
function trapTab(event: KeyboardEvent<HTMLDialogElement>): void {
  const dialog = event.currentTarget;
  if (event.key !== 'Tab' || (event.target as Element).closest('dialog') !== dialog) return;
  const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) =>
      el.tabIndex >= 0 && el.closest('dialog') === dialog && el.getClientRects().length > 0 && !isSkippedRadio(el),
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

export interface DialogProps {
  open: boolean;
  /** Called for Esc, a click on the backdrop or the close button. */
  onClose: () => void;
  title: ReactNode;
  /** Visually hide the title (it still names the dialog). */
  hideTitle?: boolean;
  description?: ReactNode;
  /** aria-label for the close button; omit to render no close button. */
  closeLabel?: string;
  /** Classes for the panel (size, position). */
  className?: string;
  /** 'center' (default) or 'drawer' (full-height panel on the left). */
  variant?: 'center' | 'drawer';
  /** Width of a centred dialog. */
  size?: 'sm' | 'md' | 'lg';
  /** Element to focus when opening (defaults to the first focusable one). */
  initialFocusRef?: RefObject<HTMLElement | null>;
  children: ReactNode;
}

/**
 * A modal built on the native <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), puts it in the top layer and closes on Esc. We add backdrop clicks and focus return.
 */
export function Dialog({
  open,
  onClose,
  title,
  hideTitle,
  description,
  closeLabel,
  className,
  variant = 'center',
  size = 'md',
  initialFocusRef,
  children,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const pressedBackdrop = useRef(false);
  const onCloseRef = useRef(onClose);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      initialFocusRef?.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, initialFocusRef]);

  // Closing while mounted (Esc, form method=dialog, or open → false): give focus back.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const handleClose = () => {
      const target = returnFocus.current;
      returnFocus.current = null;
      if (target?.isConnected) target.focus();
      onCloseRef.current();
    };
    dialog.addEventListener('close', handleClose);
    return () => dialog.removeEventListener('close', handleClose);
  }, []);

  // Unmounting while open (e.g. a lazy parent goes away).
  useEffect(
    () => () => {
      const target = returnFocus.current;
      if (target?.isConnected) target.focus();
    },
    [],
  );

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onKeyDown={trapTab}
      onPointerDown={(e) => {
        pressedBackdrop.current = e.target === e.currentTarget;
      }}
      onClick={(e) => {
        if (pressedBackdrop.current && e.target === e.currentTarget) onClose();
        pressedBackdrop.current = false;
      }}
      className={cn(
        'max-h-none overflow-visible bg-transparent p-0 text-fg backdrop:animate-[fade-in_150ms_ease-out]',
        variant === 'center'
          ? cn('m-auto w-[calc(100%-2rem)]', { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' }[size])
          : 'm-0 h-dvh max-w-none w-[min(85vw,20rem)]',
      )}
    >
      {open ? (
        <div
          className={cn(
            'flex flex-col bg-elevated shadow-2xl',
            variant === 'center'
              ? 'max-h-[calc(100dvh-2rem)] animate-[pop-in_150ms_ease-out] rounded-2xl border border-line'
              : 'h-full animate-[drawer-in_200ms_ease-out] bg-sidebar',
            className,
          )}
        >
          <div className={cn('flex items-start gap-3', hideTitle ? 'sr-only' : 'px-5 pt-5 pb-2')}>
            <div className="min-w-0 flex-1">
              <h2 id={titleId} className="text-lg font-semibold text-fg">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-1 text-sm text-muted">
                  {description}
                </p>
              ) : null}
            </div>
            {closeLabel && !hideTitle ? (
              <button
                type="button"
                onClick={onClose}
                aria-label={closeLabel}
                className="focus-ring -mt-1 -mr-2 inline-flex size-9 shrink-0 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
              >
                <CloseIcon />
              </button>
            ) : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
