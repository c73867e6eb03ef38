import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { cn } from './cn.ts';
import { CheckIcon } from './icons.tsx';

interface MenuContextValue {
  close: (returnFocus?: boolean) => void;
}
const MenuContext = createContext<MenuContextValue | null>(null);

function useMenu(): MenuContextValue {
  const ctx = useContext(MenuContext);
  if (!ctx) throw new Error('Menu items must be rendered inside <Menu>');
  return ctx;
}

export interface MenuTriggerProps {
  id: string;
  type: 'button';
  'aria-haspopup': 'menu';
  'aria-expanded': boolean;
  'aria-controls': string | undefined;
  onClick: () => void;
  onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
  ref: RefObject<HTMLButtonElement | null>;
}

export interface MenuProps {
  /** Renders the button that opens the menu; spread the props onto a <button>. */
  trigger: (props: MenuTriggerProps, open: boolean) => ReactNode;
  /** Where the menu opens relative to the trigger. */
  placement?: 'top' | 'bottom-end';
  className?: string;
  children: ReactNode;
}

const ITEM_SELECTOR =
  '[role="menuitem"]:not([aria-disabled="true"]),[role="menuitemradio"]:not([aria-disabled="true"])';

/**
 * A WAI-ARIA menu button: arrow keys, Home/End and typeahead-free navigation, Esc closes and
 * returns focus to the button, Tab or a click outside closes.
 */
export function Menu({ trigger, placement = 'top', className, children }: MenuProps) {
  const [open, setOpen] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const focusOnOpen = useRef<'first' | 'last'>('first');
  const triggerId = useId();
  const menuId = useId();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>(ITEM_SELECTOR) ?? []);

  const close = useCallback((returnFocus = true) => {
    setOpen(false);
    if (returnFocus) triggerRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const list = items();
    (focusOnOpen.current === 'first' ? list[0] : list[list.length - 1])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onTriggerKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusOnOpen.current = event.key === 'ArrowDown' ? 'first' : 'last';
      setOpen(true);
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const move = (next: number) => {
      event.preventDefault();
      list[(next + list.length) % list.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return move(index + 1);
      case 'ArrowUp':
        return move(index - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(list.length - 1);
      case 'Escape':
        // Keep Esc from also closing a dialog (e.g. the mobile drawer) around the menu.
        event.preventDefault();
        event.stopPropagation();
        return close(true);
      case 'Tab':
        return close(false);
    }
  };

  return (
    <MenuContext.Provider value={{ close }}>
      <div ref={wrapperRef} className="relative">
        {trigger(
          {
            id: triggerId,
            type: 'button',
            'aria-haspopup': 'menu',
            'aria-expanded': open,
            'aria-controls': open ? menuId : undefined,
            onClick: () => {
              focusOnOpen.current = 'first';
              setOpen((o) => !o);
            },
            onKeyDown: onTriggerKeyDown,
            ref: triggerRef,
          },
          open,
        )}
        {open ? (
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-labelledby={triggerId}
            onKeyDown={onMenuKeyDown}
            className={cn(
              'absolute z-50 animate-[pop-in_120ms_ease-out] rounded-2xl border border-line bg-elevated p-1.5 shadow-xl',
              placement === 'top' ? 'bottom-full left-0 mb-2 w-full min-w-56' : 'top-full right-0 mt-2 min-w-56',
              className,
            )}
          >
            {children}
          </div>
        ) : null}
      </div>
    </MenuContext.Provider>
  );
}

const itemClass =
  'flex w-full cursor-pointer items-center gap-3 rounded-lg px-2.5 py-2 text-left text-sm text-fg outline-none hover:bg-subtle focus-visible:bg-subtle focus:bg-subtle';

export function MenuItem({
  children,
  icon,
  onSelect,
  closeOnSelect = true,
  tone,
}: {
  children: ReactNode;
  icon?: ReactNode;
  onSelect: () => void;
  closeOnSelect?: boolean;
  tone?: 'danger';
}) {
  const { close } = useMenu();
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      className={cn(itemClass, tone === 'danger' && 'text-danger')}
      onClick={() => {
        // Focus goes back to the menu button, as a menu should; a dialog opened by onSelect
        // then returns focus there when it closes.
        if (closeOnSelect) close(true);
        onSelect();
      }}
    >
      {icon ? <span className="text-muted">{icon}</span> : null}
      <span className="min-w-0 flex-1 truncate">{children}</span>
    </button>
  );
}

/** One choice of a group; the menu stays open so the effect can be seen. */
export function MenuRadioItem({
  children,
  icon,
  checked,
  onSelect,
}: {
  children: ReactNode;
  icon?: ReactNode;
  checked: boolean;
  onSelect: () => void;
}) {
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={checked}
      tabIndex={-1}
      className={itemClass}
      onClick={onSelect}
    >
      {icon ? <span className="text-muted">{icon}</span> : null}
      <span className="min-w-0 flex-1 truncate">{children}</span>
      <CheckIcon className={cn('size-4 text-accent', !checked && 'invisible')} />
    </button>
  );
}

export function MenuGroup({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div role="group" aria-labelledby={id}>
      <div id={id} className="px-2.5 pt-2 pb-1 text-xs font-medium text-faint">
        {label}
      </div>
      {children}
    </div>
  );
}

export function MenuSeparator() {
  return <div role="separator" className="my-1.5 h-px bg-line" />;
}
