import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { AuthLayout } from '../features/auth/components/AuthLayout.tsx';
import { SignInForm } from '../features/auth/components/SignInForm.tsx';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export default function SignInPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('auth.signIn.docTitle'));
  return (
    <AuthLayout
      title={t('auth.signIn.title')}
      subtitle={t('auth.signIn.subtitle')}
      footer={
        <>
          {t('auth.signIn.noAccount')}{' '}
          <Link href="/sign-up" className="focus-ring rounded font-medium text-accent hover:underline">
            {t('auth.signIn.toSignUp')}
          </Link>
        </>
      }
    >
      <SignInForm />
    </AuthLayout>
  );
}
