import { cn } from './cn.ts';

export function Spinner({ className }: { className?: string }) {
  return (
    <svg className={cn('size-4 animate-spin', className)} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

/** A lazily loaded modal or sheet on its way: a spinner over the page, announced as `label`. */
export function LoadingOverlay({ label }: { label: string }) {
  return (
    <div role="status" className="fixed inset-0 z-50 flex items-center justify-center bg-app/80 text-muted">
      <Spinner className="size-6" />
      <span className="sr-only">{label}</span>
    </div>
  );
}
