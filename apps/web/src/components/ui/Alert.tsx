import type { ReactNode } from 'react';
import { cn } from './cn.ts';

/** A form-level message. `role="alert"` so it is announced when it appears. */
export function Alert({
  children,
  tone = 'danger',
  className,
}: {
  children: ReactNode;
  tone?: 'danger' | 'info';
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cn(
        'rounded-xl px-3.5 py-3 text-sm',
        tone === 'danger' ? 'bg-danger-soft text-danger' : 'bg-accent-soft text-fg',
        className,
      )}
    >
      {children}
    </div>
  );
}
