import type { Me } from '@tessera/shared';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { Dialog } from '../components/ui/Dialog.tsx';
import { MenuIcon, NewChatIcon } from '../components/ui/icons.tsx';
import { ShellContext, type SettingsSection, type ShellContextValue } from '../features/shell/context.ts';
import { Sidebar } from '../features/shell/Sidebar.tsx';
import { HeaderSlot } from '../features/shell/slots.tsx';

// Not needed for the first paint: fetched once the browser is idle, rendered when first opened.
const loadSettings = () => import('../features/settings/SettingsDialog.tsx');
const SettingsDialog = lazy(loadSettings);

const DESKTOP = '(min-width: 768px)';

/** The ChatGPT-like frame: sidebar (a drawer below 768 px) and the main pane. */
export function AppShell({ user, children }: { user: Me; children: ReactNode }) {
  const { t } = useTranslation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [settings, setSettings] = useState<SettingsSection | null>(null);

  useEffect(() => {
    const preload = () => void loadSettings();
    if ('requestIdleCallback' in window) {
      const id = window.requestIdleCallback(preload, { timeout: 3000 });
      return () => window.cancelIdleCallback(id);
    }
    const id = setTimeout(preload, 1500);
    return () => clearTimeout(id);
  }, []);

  // The drawer makes no sense once the sidebar is visible.
  useEffect(() => {
    const mql = window.matchMedia(DESKTOP);
    const onChange = () => {
      if (mql.matches) setDrawerOpen(false);
    };
    mql.addEventListener('change', onChange);
    return () => mql.removeEventListener('change', onChange);
  }, []);

  const openSettings = useCallback((section: SettingsSection = 'general') => {
    setDrawerOpen(false);
    setSettings(section);
  }, []);
  const shell = useMemo<ShellContextValue>(() => ({ openSettings }), [openSettings]);
  const closeDrawer = useCallback(() => setDrawerOpen(false), []);

  return (
    <ShellContext.Provider value={shell}>
      <div className="flex h-dvh overflow-hidden bg-app text-fg">
        <a
          href="#main"
          className="focus-ring sr-only z-50 rounded-lg bg-elevated px-3 py-2 text-sm focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          {t('app.skipToContent')}
        </a>

        <aside
          aria-label={t('shell.sidebar')}
          className="hidden w-[260px] shrink-0 border-r border-line bg-sidebar md:block"
        >
          <Sidebar user={user} onOpenSettings={() => openSettings()} />
        </aside>

        <Dialog variant="drawer" open={drawerOpen} onClose={closeDrawer} title={t('shell.sidebar')} hideTitle>
          <Sidebar user={user} onOpenSettings={() => openSettings()} onClose={closeDrawer} />
        </Dialog>

        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-14 shrink-0 items-center gap-1 border-b border-line px-2 md:border-b-0 md:px-4">
            <button
              type="button"
              onClick={() => setDrawerOpen(true)}
              aria-label={t('shell.openSidebar')}
              aria-expanded={drawerOpen}
              className="focus-ring inline-flex size-10 cursor-pointer items-center justify-center rounded-lg text-fg hover:bg-subtle md:hidden"
            >
              <MenuIcon />
            </button>
            <span className="text-[15px] font-semibold md:hidden">{t('app.name')}</span>
            <HeaderSlot />
            <div className="flex-1" />
            <Link
              href="/"
              aria-label={t('shell.newChat')}
              className="focus-ring inline-flex size-10 items-center justify-center rounded-lg text-fg hover:bg-subtle md:hidden"
            >
              <NewChatIcon />
            </Link>
          </header>
          <main id="main" tabIndex={-1} className="min-h-0 flex-1 overflow-y-auto outline-none">
            {children}
          </main>
        </div>

        {settings ? (
          <Suspense fallback={null}>
            <SettingsDialog initialSection={settings} onClose={() => setSettings(null)} />
          </Suspense>
        ) : null}
      </div>
    </ShellContext.Provider>
  );
}
