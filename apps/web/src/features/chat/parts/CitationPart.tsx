import { useTranslation } from 'react-i18next';
import { safeHref } from './preview.ts';
import type { PartProps } from './types.ts';

/** A source the answer quotes: its number and title (or host), linking to it when it has an http(s) URL. */
export function CitationPart({ part, ordinal }: PartProps<'citation'>) {
  const { t } = useTranslation();
  const href = safeHref(part.url);
  const title = part.title || href?.hostname || part.sourceId;
  const body = (
    <>
      <span className="inline-flex size-5 shrink-0 items-center justify-center rounded-full bg-subtle-strong text-[11px] font-medium text-fg tabular-nums">
        {ordinal}
      </span>
      <span className="min-w-0 truncate">{title}</span>
    </>
  );
  const className =
    'inline-flex max-w-64 min-w-0 items-center gap-1.5 rounded-full border border-line bg-elevated py-0.5 pr-2.5 pl-0.5 text-xs text-muted';
  const label = t('parts.citation', { number: ordinal, title });
  return href ? (
    <a
      href={href.href}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={label}
      title={href.href}
      className={`focus-ring ${className} hover:bg-subtle hover:text-fg`}
      data-testid="citation-part"
    >
      {body}
    </a>
  ) : (
    <span aria-label={label} className={className} data-testid="citation-part">
      {body}
    </span>
  );
}
