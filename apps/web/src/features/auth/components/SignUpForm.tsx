import { PASSWORD_MIN_LENGTH, signUpSchema, type SignUpInput } from '@tessera/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/Alert.tsx';
import { Button } from '../../../components/ui/Button.tsx';
import { Field } from '../../../components/ui/Field.tsx';
import { Input } from '../../../components/ui/Input.tsx';
import type { IssueLike } from '../../../lib/form-errors.ts';
import { useFormErrors } from '../../../lib/use-form-errors.ts';
import { useSignUp } from '../hooks.ts';
import { PasswordInput } from './PasswordInput.tsx';

const FIELDS = ['name', 'email', 'password'] as const;

export function SignUpForm({ passwordMinLength = PASSWORD_MIN_LENGTH }: { passwordMinLength?: number | undefined }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<SignUpInput>({ name: '', email: '', password: '' });
  const signUp = useSignUp();
  const errors = useFormErrors({
    fields: FIELDS,
    required: { name: 'validation.nameRequired', password: 'validation.passwordRequired' },
    codeFields: { EMAIL_TAKEN: 'email' },
  });
  const minLength = Math.max(passwordMinLength, PASSWORD_MIN_LENGTH);

  const set = (field: keyof SignUpInput) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    errors.dismiss(field);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = signUpSchema.safeParse(values);
    const issues: IssueLike[] = parsed.success ? [] : [...parsed.error.issues];
    // The server may be configured stricter than the shared default.
    if (
      values.password.length > 0 &&
      values.password.length < minLength &&
      !issues.some((i) => i.path[0] === 'password')
    ) {
      issues.push({ code: 'too_small', path: ['password'], minimum: minLength, message: '' });
    }
    if (!parsed.success || issues.length > 0) return errors.showClientIssues(issues);
    errors.clear();
    signUp.mutate(parsed.data, { onError: errors.showServerError });
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={t('auth.signUp.title')}>
      {errors.formError ? <Alert>{errors.formError}</Alert> : null}
      <Field label={t('auth.name')} error={errors.fieldErrors.name}>
        {(control) => (
          <Input
            {...control}
            ref={errors.refFor('name')}
            name="name"
            autoComplete="name"
            value={values.name}
            onChange={(e) => set('name')(e.target.value)}
          />
        )}
      </Field>
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
      <Field
        label={t('auth.password')}
        error={errors.fieldErrors.password}
        hint={t('auth.passwordHint', { count: minLength })}
      >
        {(control) => (
          <PasswordInput
            {...control}
            ref={errors.refFor('password')}
            name="password"
            autoComplete="new-password"
            value={values.password}
            onChange={(e) => set('password')(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" size="lg" className="w-full" loading={signUp.isPending}>
        {signUp.isPending ? t('auth.signUp.submitting') : t('auth.signUp.submit')}
      </Button>
    </form>
  );
}
