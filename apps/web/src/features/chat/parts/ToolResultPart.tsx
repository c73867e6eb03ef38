import { useTranslation } from 'react-i18next';
import { ToolCard } from './ToolCard.tsx';
import type { PartProps } from './types.ts';

/** What a tool answered (or how it failed). */
export function ToolResultPart({ part }: PartProps<'tool-result'>) {
  const { t } = useTranslation();
  return (
    <ToolCard
      testId="tool-result-part"
      label={part.isError ? t('parts.toolFailed') : t('parts.toolResult')}
      tone={part.isError ? 'danger' : 'normal'}
      toolName={part.toolName}
      value={part.output}
    />
  );
}
