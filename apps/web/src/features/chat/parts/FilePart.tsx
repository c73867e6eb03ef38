import { useTranslation } from 'react-i18next';
import { FileIcon } from './icons.tsx';
import type { PartProps } from './types.ts';

/** A file attached to the message: its name and media type. */
export function FilePart({ part }: PartProps<'file'>) {
  const { t } = useTranslation();
  return (
    <span
      className="inline-flex max-w-full min-w-0 items-center gap-2 rounded-xl border border-line bg-elevated px-2.5 py-1.5 text-sm text-fg"
      title={t('parts.file', { name: part.name, mediaType: part.mediaType })}
      data-testid="file-part"
    >
      <FileIcon className="size-4 shrink-0 text-muted" />
      <span className="min-w-0 truncate font-medium">{part.name}</span>
      <span className="shrink-0 text-xs text-faint">{part.mediaType}</span>
    </span>
  );
}
