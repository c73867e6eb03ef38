import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/ui/Button.tsx';

function LoadFailedMessage() {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <p role="alert" className="max-w-sm text-[15px] text-fg">
        {t('app.loadFailed')}
      </p>
      <Button variant="secondary" onClick={() => window.location.reload()}>
        {t('app.reload')}
      </Button>
    </div>
  );
}

/**
 * Catches what would otherwise unmount the whole app and leave a blank page: most often a part of it
 * that could not be downloaded (a new version was deployed while the tab was open, or the network
 * dropped). Reloading fetches the current build.
 */
export class LoadFailed extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? <LoadFailedMessage /> : this.props.children;
  }
}
