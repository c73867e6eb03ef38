import type { ReactNode, RefObject } from 'react';
import { Alert } from './Alert.tsx';
import { Button } from './Button.tsx';
import { cn } from './cn.ts';
import { Spinner } from './Spinner.tsx';

/** A list still loading: a centred spinner, announced (role="status") when given a `label`. */
export function ListLoading({ label, spinnerClassName }: { label?: string; spinnerClassName?: string }) {
  return (
    <div role={label ? 'status' : undefined} className="flex justify-center py-6 text-muted">
      <Spinner className={spinnerClassName} />
      {label ? <span className="sr-only">{label}</span> : null}
    </div>
  );
}

/** A list that failed to load, as a line of text. */
export function ListError({ className, children }: { className?: string; children: ReactNode }) {
  return (
    <p role="alert" className={cn(className, 'py-3 text-sm text-danger')}>
      {children}
    </p>
  );
}

/** A list that failed to load, in an alert with a retry button. */
export function ListLoadFailed({
  retryLabel,
  onRetry,
  children,
}: {
  retryLabel: string;
  onRetry: () => void;
  children: ReactNode;
}) {
  return (
    <Alert>
      <div className="flex items-center justify-between gap-3">
        <span>{children}</span>
        <Button size="sm" variant="secondary" onClick={onRetry}>
          {retryLabel}
        </Button>
      </div>
    </Alert>
  );
}

/** An empty list: one line in a dashed box. */
export function ListEmpty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-xl border border-dashed border-line px-4 py-6 text-center text-sm text-muted">{children}</p>
  );
}

/** The end of a paged list: the sentinel (from useLoadMore) and a spinner while the next page loads. */
export function ListLoadMore({ sentinel, loading }: { sentinel: RefObject<HTMLDivElement | null>; loading: boolean }) {
  return (
    <>
      <div ref={sentinel} className="h-2" />
      {loading ? (
        <div className="flex justify-center py-2 text-muted">
          <Spinner />
        </div>
      ) : null}
    </>
  );
}
