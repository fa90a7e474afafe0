import { useRef, useState, type FormEvent } from 'react';
import { LoginBodySchema, PASSWORD_MIN_CHARS, RegisterBodySchema } from '../../../shared/api.ts';
import { ApiError } from '../api/http.ts';
import { describeError, toUiError } from '../lib/errors.ts';
import { RetryCountdown } from './Countdown.tsx';
import { useAuth, useStores } from '../stores/context.tsx';

type Mode = 'login' | 'register';
type Field = 'name' | 'email' | 'password';
type Errors = Partial<Record<Field | 'form', string>> & { lockedUntil?: number };

function validate(mode: Mode, values: Record<Field, string>): Errors {
  const parsed = mode === 'register' ? RegisterBodySchema.safeParse(values) : LoginBodySchema.safeParse(values);
  if (parsed.success) return {};
  const errors: Errors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** What the server said, attached to the field it is about when there is one. */
function serverErrors(mode: Mode, err: unknown): Errors {
  if (err instanceof ApiError) {
    if (err.type === 'conflict') return { email: err.message };
    if (err.type === 'authentication_required' && mode === 'login') return { form: 'Email or password is incorrect.' };
    if (err.type === 'validation_error') return { form: err.message };
    if (err.type === 'rate_limit') {
      const wait = err.body.retry_after_ms;
      return {
        form: mode === 'login' ? 'Too many sign-in attempts.' : 'Too many attempts.',
        ...(wait !== undefined ? { lockedUntil: Date.now() + wait } : {}),
      };
    }
  }
  return { form: describeError(toUiError(err)).title };
}

export function AuthScreen() {
  const { auth } = useStores();
  const notice = useAuth((s) => s.notice);
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState<Record<Field, string>>({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const refs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };

  const fields: Field[] = mode === 'register' ? ['name', 'email', 'password'] : ['email', 'password'];

  function update(field: Field, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    // After a first attempt, errors follow the typing.
    if (submitted) setErrors(validate(mode, next));
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    const found = validate(mode, values);
    setErrors(found);
    const firstInvalid = fields.find((f) => found[f]);
    if (firstInvalid) {
      refs[firstInvalid].current?.focus();
      return;
    }
    setBusy(true);
    try {
      if (mode === 'register') await auth.getState().register(values);
      else await auth.getState().login({ email: values.email, password: values.password });
    } catch (err) {
      const found = serverErrors(mode, err);
      setErrors(found);
      const field = fields.find((f) => found[f]);
      if (field) refs[field].current?.focus();
    } finally {
      setBusy(false);
    }
  }

  function switchMode(next: Mode) {
    setMode(next);
    setErrors({});
    setSubmitted(false);
    auth.getState().clearNotice();
  }

  const labels: Record<Field, string> = { name: 'Name', email: 'Email', password: 'Password' };
  const title = mode === 'login' ? 'Sign in' : 'Create your account';
  return (
    <main className="auth">
      <div className="auth-card">
        <p className="brand brand-large">Agentwire</p>
        <p className="auth-tagline">A real-time assistant for your mailbox.</p>
        <h1>{title}</h1>
        {notice ? (
          <p className="banner banner-authentication_required" role="alert">
            {notice}
          </p>
        ) : null}
        <form onSubmit={onSubmit} noValidate aria-label={title}>
          {fields.map((field) => (
            <div className="field" key={field}>
              <label htmlFor={`auth-${field}`}>{labels[field]}</label>
              <input
                id={`auth-${field}`}
                ref={refs[field]}
                name={field}
                type={field === 'password' ? 'password' : field === 'email' ? 'email' : 'text'}
                autoComplete={field === 'password' ? (mode === 'login' ? 'current-password' : 'new-password') : field === 'email' ? 'email' : 'name'}
                value={values[field]}
                onChange={(e) => update(field, e.target.value)}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={errors[field] ? `auth-${field}-error` : field === 'password' && mode === 'register' ? 'auth-password-hint' : undefined}
              />
              {errors[field] ? (
                <p className="field-error" id={`auth-${field}-error`}>
                  {errors[field]}
                </p>
              ) : field === 'password' && mode === 'register' ? (
                <p className="field-hint" id="auth-password-hint">
                  At least {PASSWORD_MIN_CHARS} characters.
                </p>
              ) : null}
            </div>
          ))}
          {errors.form ? (
            <p className="form-error" role="alert">
              {errors.form}
              {errors.lockedUntil !== undefined ? (
                <>
                  {' '}
                  <RetryCountdown until={errors.lockedUntil} />
                </>
              ) : null}
            </p>
          ) : null}
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Create account'}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'login' ? 'New here?' : 'Already have an account?'}{' '}
          <button type="button" className="link-button" onClick={() => switchMode(mode === 'login' ? 'register' : 'login')}>
            {mode === 'login' ? 'Create an account' : 'Sign in'}
          </button>
        </p>
      </div>
    </main>
  );
}
