import { useTranslation } from 'react-i18next';
import { AlertIcon } from '../../../components/ui/icons.tsx';
import { replyErrorText } from '../reply-error.ts';
import type { PartProps } from './types.ts';

/**
 * A step that failed inside a reply that went on: said in the reader's language when its code is known,
 * else in the server's words. Not an alert: the reply carried on, nothing needs doing at once.
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
