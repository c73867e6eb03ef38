import { useTranslation } from 'react-i18next';
import { ToolCard } from './ToolCard.tsx';
import type { PartProps } from './types.ts';
import './parts.css';

/** A tool the model asked for, with its input; "Running" until its result (or anything else) follows. */
export function ToolCallPart({ part, active }: PartProps<'tool-call'>) {
  const { t } = useTranslation();
  return (
    <ToolCard
      testId="tool-call-part"
      label={active ? t('parts.toolRunning') : t('parts.toolCall')}
      tone={active ? 'busy' : 'normal'}
      toolName={part.toolName}
      value={part.input}
    />
  );
}
