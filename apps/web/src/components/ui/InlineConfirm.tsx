import type { ReactNode, Ref } from 'react';
import { Button } from './Button.tsx';

/**
 * A confirmation shown in place (in a list row): a question, Cancel and a danger button. Focus
 * Cancel when it appears (`cancelRef`).
 */
export function InlineConfirm({
  label,
  message,
  cancelLabel,
  confirmLabel,
  pending,
  onCancel,
  onConfirm,
  cancelRef,
  cancelOnEscape,
  className,
}: {
  /** Names the group. */
  label: string;
  message: ReactNode;
  cancelLabel: string;
  confirmLabel: string;
  /** The confirmed action is running. */
  pending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  cancelRef: Ref<HTMLButtonElement>;
  /** Esc cancels here instead of reaching the dialog around it. */
  cancelOnEscape?: boolean;
  className?: string;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      className={className}
      onKeyDown={
        cancelOnEscape
          ? (e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                onCancel();
              }
            }
          : undefined
      }
    >
      <p className="text-sm text-fg">{message}</p>
      <div className="mt-2 flex justify-end gap-2">
        <Button ref={cancelRef} size="sm" variant="ghost" onClick={onCancel}>
          {cancelLabel}
        </Button>
        <Button size="sm" variant="danger" loading={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </div>
  );
}
