import { cn } from './cn.ts';

/** The Tessera mark: four tiles of a mosaic. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cn('size-8', className)} aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="fill-accent" />
      <g className="fill-white dark:fill-[#04201d]">
        <rect x="7" y="7" width="8" height="8" rx="2" />
        <rect x="17" y="7" width="8" height="8" rx="2" fillOpacity=".6" />
        <rect x="7" y="17" width="8" height="8" rx="2" fillOpacity=".6" />
        <rect x="17" y="17" width="8" height="8" rx="2" />
      </g>
    </svg>
  );
}
