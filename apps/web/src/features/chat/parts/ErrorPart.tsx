import { useTranslation } from 'react-i18next';
import { AlertIcon } from '../../../components/ui/icons.tsx';
import { replyErrorText } from '../reply-error.ts';
import type { PartProps } from './types.ts';

/**
 * A step that failed inside a reply that went on, worded from its code and fields in the reader's
 * language (an unknown code reads as a failed step, never as the server's English). Not an alert: the
 * reply carried on, nothing needs doing at once.
 */
export function ErrorPart({ part }: PartProps<'error'>) {
  const { t } = useTranslation();
  return (
    <div
      className="flex items-start gap-2 rounded-xl bg-danger-soft px-3 py-2 text-sm text-danger"
      data-testid="error-part"
      data-code={part.error.code}
    >
      <AlertIcon className="mt-0.5 size-4 shrink-0" />
      <span className="min-w-0 break-words">{replyErrorText(part.error, t)}</span>
    </div>
  );
}
