import { cn } from './cn.ts';
import { useToasts } from '../../lib/toast.ts';

/** Short confirmations, announced politely; errors assertively. */
export function Toaster() {
  const toasts = useToasts();
  return (
    <div className="pointer-events-none fixed inset-x-0 top-3 z-[60] flex flex-col items-center gap-2 px-3">
      <div aria-live="polite" className="contents">
        {toasts
          .filter((t) => t.tone === 'success')
          .map((t) => (
            <div
              key={t.id}
              role="status"
              className="rounded-xl bg-primary px-4 py-2.5 text-sm text-primary-fg shadow-lg"
            >
              {t.text}
            </div>
          ))}
      </div>
      <div aria-live="assertive" className="contents">
        {toasts
          .filter((t) => t.tone === 'error')
          .map((t) => (
            <div
              key={t.id}
              role="alert"
              className={cn('rounded-xl bg-danger px-4 py-2.5 text-sm text-white shadow-lg')}
            >
              {t.text}
            </div>
          ))}
      </div>
    </div>
  );
}
