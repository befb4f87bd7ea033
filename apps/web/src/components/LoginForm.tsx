'use client';
// The sign-in form: the token goes to the signInAction server action, which checks it with the
// API and seals it into the session cookie (the browser's scripts never see it again).
import { useState, useTransition } from 'react';
import { signInAction } from '@/lib/auth-actions';
import type { ApiErrorShape } from '@/lib/api-error';

export function LoginForm({ next }: { next: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<ApiErrorShape | null>(null);
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        const token = String(new FormData(event.currentTarget).get('token') ?? '');
        start(async () => {
          const result = await signInAction(token, next);
          if (result) setError(result.error);
        });
      }}
    >
      <label className="stack" style={{ gap: 4 }}>
        API token
        <input type="password" name="token" autoComplete="current-password" required placeholder="stm_…" data-testid="login-token" />
      </label>
      <div className="row">
        <button type="submit" className="btn primary" disabled={pending} data-testid="login-submit">{pending ? 'Signing in…' : 'Sign in'}</button>
      </div>
      {error ? <div className="error-box" role="alert" data-testid="login-error">{error.message}</div> : null}
    </form>
  );
}
