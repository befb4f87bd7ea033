// Who the dashboard is acting for, in the sidebar: the signed-in person and a sign-out button, or
// local-dev's no-login mode. Read from the session cookie (no API call).
import Link from 'next/link';
import { signOutAction } from '@/lib/auth-actions';
import { webConfig } from '@/lib/env';
import { signedIn } from '@/lib/session';

export async function SessionBadge() {
  const person = await signedIn();
  if (person) {
    return (
      <form action={signOutAction} className="stack small" style={{ gap: 4 }} data-testid="session">
        <span>
          <strong data-testid="session-label">{person.label}</strong> <span className="muted" data-testid="session-role">{person.role}</span>
        </span>
        <button type="submit" className="btn small" data-testid="sign-out">Sign out</button>
      </form>
    );
  }
  return (
    <div className="stack small" style={{ gap: 4 }} data-testid="session">
      {webConfig().STRATUM_LOCAL_DEV ? <span className="muted">local-dev · no sign-in</span> : null}
      <Link href="/login" className="btn small">Sign in</Link>
    </div>
  );
}
