import { signInSchema, type SignInInput } from '@tessera/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/Alert.tsx';
import { Button } from '../../../components/ui/Button.tsx';
import { Field } from '../../../components/ui/Field.tsx';
import { Input } from '../../../components/ui/Input.tsx';
import { useFormErrors } from '../../../lib/use-form-errors.ts';
import { useSignIn } from '../hooks.ts';
import { PasswordInput } from './PasswordInput.tsx';

const FIELDS = ['email', 'password'] as const;

export function SignInForm() {
  const { t } = useTranslation();
  const [values, setValues] = useState<SignInInput>({ email: '', password: '' });
  const signIn = useSignIn();
  const errors = useFormErrors({ fields: FIELDS, required: { password: 'validation.passwordRequired' } });

  const set = (field: keyof SignInInput) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    errors.dismiss(field);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = signInSchema.safeParse(values);
    if (!parsed.success) return errors.showClientIssues(parsed.error.issues);
    errors.clear();
    signIn.mutate(parsed.data, { onError: errors.showServerError });
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={t('auth.signIn.title')}>
      {errors.formError ? <Alert>{errors.formError}</Alert> : null}
      <Field label={t('auth.email')} error={errors.fieldErrors.email}>
        {(control) => (
          <Input
            {...control}
            ref={errors.refFor('email')}
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            autoCapitalize="none"
            spellCheck={false}
            value={values.email}
            onChange={(e) => set('email')(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('auth.password')} error={errors.fieldErrors.password}>
        {(control) => (
          <PasswordInput
            {...control}
            ref={errors.refFor('password')}
            name="password"
            autoComplete="current-password"
            value={values.password}
            onChange={(e) => set('password')(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" size="lg" className="w-full" loading={signIn.isPending}>
        {signIn.isPending ? t('auth.signIn.submitting') : t('auth.signIn.submit')}
      </Button>
    </form>
  );
}
