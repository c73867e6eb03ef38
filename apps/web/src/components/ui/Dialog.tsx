import { useEffect, useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { cn } from './cn.ts';
import { CloseIcon } from './icons.tsx';

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),iframe,[tabindex]:not([tabindex="-1"])';

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
  const active = document.activeElement;
  const outside = !dialog.contains(active);
  if (event.shiftKey && (active === first || outside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || outside)) {
    event.preventDefault();
    first.focus();
  }
}

/** The side sheet slides in from the right on wide screens and rises a little on narrow ones. */
function slideSheetIn(panel: HTMLElement | null): void {
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  const wide = window.matchMedia('(min-width: 768px)').matches;
  panel?.animate?.(
    [{ transform: wide ? 'translateX(100%)' : 'translateY(24px)', opacity: wide ? 1 : 0 }, { transform: 'none' }],
    { duration: 200, easing: 'ease-out' },
  );
}

const MODAL = 'overflow-visible bg-transparent backdrop:animate-[fade-in_150ms_ease-out]';
const CLOSE_BUTTON =
  'focus-ring inline-flex shrink-0 cursor-pointer items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg disabled:cursor-not-allowed disabled:opacity-40';

/** Classes of each variant's parts (a centred dialog adds its width from `size`). */
const VARIANTS = {
  center: {
    dialog: cn(MODAL, 'm-auto w-[calc(100%-2rem)]'),
    panel:
      'max-h-[calc(100dvh-2rem)] animate-[pop-in_150ms_ease-out] rounded-2xl border border-line bg-elevated shadow-2xl',
    header: 'items-start',
    headerPadding: 'px-5 pt-5 pb-2',
    title: '',
    description: 'mt-1',
    close: '-mt-1 -mr-2 size-9',
  },
  drawer: {
    dialog: cn(MODAL, 'm-0 h-dvh max-w-none w-[min(85vw,20rem)]'),
    panel: 'h-full animate-[drawer-in_200ms_ease-out] bg-elevated bg-sidebar shadow-2xl',
    header: 'items-start',
    headerPadding: 'px-5 pt-5 pb-2',
    title: '',
    description: 'mt-1',
    close: '-mt-1 -mr-2 size-9',
  },
  sheet: {
    dialog: cn(MODAL, 'm-0 ml-auto h-dvh w-full max-w-none md:w-[28rem]'),
    panel: 'h-full bg-elevated shadow-2xl md:border-l md:border-line',
    header: 'shrink-0 items-start border-b border-line',
    headerPadding: 'px-5 pt-4 pb-3',
    title: '',
    description: 'mt-0.5',
    close: '-mr-2 size-9',
  },
  fullscreen: {
    dialog: 'm-0 h-dvh w-full max-w-none overflow-hidden bg-app backdrop:bg-transparent',
    panel: 'h-full animate-[fade-in_150ms_ease-out]',
    header: 'shrink-0 items-center border-b border-line',
    headerPadding: 'px-4 py-3 sm:px-6',
    title: 'truncate',
    description: 'hidden sm:block',
    close: 'size-10',
  },
} as const;

/** What had focus when the dialog opened; null once focus has been given back. */
type SavedFocus = { current: { target: HTMLElement | null } | null };

/** Gives focus back to where it was before opening, or to the fallback when that element is gone. */
function restoreFocus(saved: SavedFocus, fallbackId: string | undefined): void {
  if (!saved.current) return;
  const { target } = saved.current;
  saved.current = null;
  if (target?.isConnected) target.focus();
  else if (fallbackId) document.getElementById(fallbackId)?.focus();
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
  /**
   * 'center' (default); 'drawer', a full-height panel on the left; 'sheet', a side sheet on the
   * right (28rem from 768 px up, the full width below: give it a <SheetBody> and a <SheetFooter>);
   * 'fullscreen', the whole viewport.
   */
  variant?: keyof typeof VARIANTS;
  /** Width of a centred dialog. */
  size?: 'sm' | 'md' | 'lg';
  /** Element to focus when opening (else one marked data-autofocus, else the first focusable one). */
  initialFocusRef?: RefObject<HTMLElement | null>;
  /** False while something must not be interrupted (a payment being confirmed): Esc, the backdrop and the close button do nothing. */
  closable?: boolean;
  /** id of the element to focus on closing when the one focused before opening is gone. */
  fallbackFocusId?: string;
  testId?: string;
  children: ReactNode;
}

/**
 * A modal built on the native <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), puts it in the top layer and closes on Esc. We add backdrop clicks, focus return and a
 * way to hold it open while busy.
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
  closable = true,
  fallbackFocusId,
  testId,
  children,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const returnFocus: SavedFocus = useRef(null);
  const pressedBackdrop = useRef(false);
  const latest = useRef({ open, onClose, closable, fallbackFocusId });
  const titleId = useId();
  const descriptionId = useId();
  const styles = VARIANTS[variant];

  // A layout effect: the close event (queued by dialog.close() below) must see this render's props.
  useLayoutEffect(() => {
    latest.current = { open, onClose, closable, fallbackFocusId };
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocus.current = { target: document.activeElement instanceof HTMLElement ? document.activeElement : null };
      dialog.showModal();
      (initialFocusRef?.current ?? dialog.querySelector<HTMLElement>('[data-autofocus]'))?.focus();
      if (variant === 'sheet') slideSheetIn(panelRef.current);
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, initialFocusRef, variant]);

  // Closing while mounted (Esc, form method=dialog, or open → false): give focus back.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // While not closable, Esc is stopped in onKeyDown; this catches a close request the browser did not let us cancel.
    const handleCancel = (event: Event) => {
      if (!latest.current.closable) event.preventDefault();
    };
    const handleClose = () => {
      if (!latest.current.closable && latest.current.open && dialog.isConnected) {
        dialog.showModal();
        return;
      }
      restoreFocus(returnFocus, latest.current.fallbackFocusId);
      latest.current.onClose();
    };
    dialog.addEventListener('cancel', handleCancel);
    dialog.addEventListener('close', handleClose);
    return () => {
      dialog.removeEventListener('cancel', handleCancel);
      dialog.removeEventListener('close', handleClose);
    };
  }, []);

  // Unmounting while open (e.g. a lazy parent goes away).
  useEffect(() => () => restoreFocus(returnFocus, latest.current.fallbackFocusId), []);

  const Header = variant === 'fullscreen' ? 'header' : 'div';
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !closable && (e.target as Element).closest('dialog') === e.currentTarget) {
          e.preventDefault();
          return;
        }
        trapTab(e);
      }}
      onPointerDown={(e) => {
        pressedBackdrop.current = e.target === e.currentTarget;
      }}
      onClick={(e) => {
        if (pressedBackdrop.current && e.target === e.currentTarget && closable) onClose();
        pressedBackdrop.current = false;
      }}
      className={cn(
        'max-h-none p-0 text-fg',
        styles.dialog,
        variant === 'center' && { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' }[size],
      )}
    >
      {open ? (
        <div ref={panelRef} className={cn('flex flex-col', styles.panel, className)}>
          <Header className={cn('flex gap-3', styles.header, hideTitle ? 'sr-only' : styles.headerPadding)}>
            <div className="min-w-0 flex-1">
              <h2 id={titleId} className={cn('text-lg font-semibold text-fg', styles.title)}>
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className={cn('text-sm text-muted', styles.description)}>
                  {description}
                </p>
              ) : null}
            </div>
            {closeLabel && !hideTitle ? (
              <button
                type="button"
                onClick={onClose}
                disabled={!closable}
                aria-label={closeLabel}
                className={cn(CLOSE_BUTTON, styles.close)}
              >
                <CloseIcon />
              </button>
            ) : null}
          </Header>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

/** The scrolling middle of a sheet. */
export function SheetBody({ children }: { children: ReactNode }) {
  return <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain px-5 py-4">{children}</div>;
}

/** A sheet's actions, along its bottom edge (clear of a phone's home indicator). */
export function SheetFooter({ children }: { children: ReactNode }) {
  return (
    <div className="flex shrink-0 flex-wrap items-center justify-end gap-2 border-t border-line px-5 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
      {children}
    </div>
  );
}
