import { lazy, Suspense, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch } from 'wouter';
import { Button } from '../components/ui/Button.tsx';
import { Spinner } from '../components/ui/Spinner.tsx';
import { useMe } from '../features/auth/hooks.ts';
import { Toaster } from '../components/ui/Toaster.tsx';
import { featureRoutes } from '../features/shell/slots.tsx';
import { errorMessage } from '../lib/form-errors.ts';
import { AppShell } from '../routes/AppShell.tsx';
import { ChatPage } from '../routes/ChatPage.tsx';

// Signed-out pages (and the form validation they bring) stay out of the chat page's first load.
const SignInPage = lazy(() => import('../routes/SignInPage.tsx'));
const SignUpPage = lazy(() => import('../routes/SignUpPage.tsx'));

function Splash() {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex min-h-dvh items-center justify-center text-muted">
      <Spinner className="size-6" />
      <span className="sr-only">{t('app.loading')}</span>
    </div>
  );
}

function LazyPage({ page: Page }: { page: ComponentType }) {
  return (
    <Suspense fallback={<Splash />}>
      <Page />
    </Suspense>
  );
}

function ServerError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <p role="alert" className="max-w-sm text-[15px] text-fg">
        {errorMessage(error, t)}
      </p>
      <Button variant="secondary" onClick={onRetry}>
        {t('apiKeys.retry')}
      </Button>
    </div>
  );
}

/**
 * Who sees what: /api/me decides. Signed-out users only reach /sign-in and /sign-up; signed-in
 * users are sent from those to /. Signed-in routes: / (new chat), /c/:id, and the features' pages
 * (/credits, /payments/return: app/features.ts).
 */
export function AppRoutes() {
  const me = useMe();
  if (me.isPending) return <Splash />;
  if (me.isError) return <ServerError error={me.error} onRetry={() => void me.refetch()} />;
  const user = me.data;

  return (
    <Switch>
      <Route path="/sign-in">{user ? <Redirect to="/" replace /> : <LazyPage page={SignInPage} />}</Route>
      <Route path="/sign-up">{user ? <Redirect to="/" replace /> : <LazyPage page={SignUpPage} />}</Route>
      <Route>
        {user ? (
          <AppShell user={user}>
            <Toaster />
            <Switch>
              <Route path="/">
                <ChatPage user={user} />
              </Route>
              <Route path="/c/:id">{(params) => <ChatPage user={user} conversationId={params.id} />}</Route>
              {featureRoutes().map(({ path, page }) => (
                <Route key={path} path={path}>
                  <LazyPage page={page} />
                </Route>
              ))}
              <Route>
                <Redirect to="/" replace />
              </Route>
            </Switch>
          </AppShell>
        ) : (
          <Redirect to="/sign-in" replace />
        )}
      </Route>
    </Switch>
  );
}
