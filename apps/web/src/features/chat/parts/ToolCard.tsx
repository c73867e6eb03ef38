import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '../../../components/ui/cn.ts';
import { ChevronRightIcon, WrenchIcon } from './icons.tsx';
import { previewValue } from './preview.ts';

/** A tool call or its result: one line with the tool's name, folded; its JSON inside. */
export function ToolCard({
  label,
  toolName,
  value,
  tone = 'normal',
  testId,
}: {
  label: ReactNode;
  toolName: string;
  value: unknown;
  tone?: 'normal' | 'busy' | 'danger';
  testId: string;
}) {
  const { t } = useTranslation();
  const { text, omitted } = previewValue(value);
  return (
    <details
      className={cn(
        'group/tool max-w-full overflow-hidden rounded-xl border text-sm',
        tone === 'danger' ? 'border-danger/40' : 'border-line',
      )}
      data-testid={testId}
    >
      <summary className="focus-ring flex cursor-pointer list-none items-center gap-2 rounded-xl px-3 py-2 select-none hover:bg-subtle [&::-webkit-details-marker]:hidden">
        <WrenchIcon className={cn('size-4 shrink-0', tone === 'danger' ? 'text-danger' : 'text-muted')} />
        <span
          className={cn(
            'shrink-0',
            tone === 'danger' ? 'text-danger' : 'text-muted',
            tone === 'busy' && 'parts-shimmer',
          )}
        >
          {label}
        </span>
        <code className="min-w-0 truncate font-mono text-[13px] text-fg">{toolName}</code>
        <ChevronRightIcon className="ml-auto size-3.5 shrink-0 text-muted transition-transform group-open/tool:rotate-90" />
      </summary>
      <div className="border-t border-line bg-subtle/60">
        <pre className="max-h-80 overflow-auto px-3 py-2 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-fg">
          {text || t('parts.empty')}
        </pre>
        {omitted > 0 ? (
          <p className="px-3 pb-2 text-xs text-faint">{t('parts.truncated', { chars: omitted })}</p>
        ) : null}
      </div>
    </details>
  );
}
