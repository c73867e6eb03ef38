import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { Spinner } from '../components/ui/Spinner.tsx';
import { AuthLayout } from '../features/auth/components/AuthLayout.tsx';
import { SignUpForm } from '../features/auth/components/SignUpForm.tsx';
import { useConfig } from '../features/auth/hooks.ts';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export default function SignUpPage() {
  const { t } = useTranslation();
  const config = useConfig();
  useDocumentTitle(t('auth.signUp.docTitle'));
  const closed = config.data?.registrationOpen === false;

  const toSignIn = (
    <>
      {t('auth.signUp.haveAccount')}{' '}
      <Link href="/sign-in" className="focus-ring rounded font-medium text-accent hover:underline">
        {t('auth.signUp.toSignIn')}
      </Link>
    </>
  );

  if (closed) {
    return (
      <AuthLayout title={t('auth.signUp.closedTitle')} footer={toSignIn}>
        <p
          role="status"
          className="rounded-2xl border border-line bg-subtle/50 px-5 py-4 text-center text-[15px] text-muted"
        >
          {t('auth.signUp.closedBody')}
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('auth.signUp.title')} subtitle={t('auth.signUp.subtitle')} footer={toSignIn}>
      {config.isPending ? (
        <div className="flex justify-center py-10 text-muted" role="status">
          <Spinner className="size-6" />
          <span className="sr-only">{t('app.loading')}</span>
        </div>
      ) : (
        // If the config could not be loaded, still offer the form: the server has the last word.
        <SignUpForm passwordMinLength={config.data?.passwordMinLength} />
      )}
    </AuthLayout>
  );
}
