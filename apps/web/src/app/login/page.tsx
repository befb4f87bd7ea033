import type { Metadata } from 'next';
import Link from 'next/link';
import { LoginForm } from '@/components/LoginForm';
import { webConfig } from '@/lib/env';
import { one, type SearchParams } from '@/lib/params';
import { signedIn } from '@/lib/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const next = one(params, 'next') ?? '/';
  const person = await signedIn();
  const { STRATUM_LOCAL_DEV } = webConfig();
  return (
    <div className="stack" style={{ maxWidth: 480 }}>
      <h1>Sign in</h1>
      {one(params, 'signedOut') ? <p className="muted" role="status" data-testid="signed-out">Signed out.</p> : null}
      {person ? <p className="muted">Signed in as <strong>{person.label}</strong> ({person.role}); signing in again replaces it.</p> : null}
      <p className="muted">
        Use your own Stratum API token (an admin makes one with <code>stratum-api token create --role reader</code>). The dashboard
        acts with it, so you see and may do what its role allows.
      </p>
      <LoginForm next={next} />
      {STRATUM_LOCAL_DEV ? (
        <p className="muted small">Local-dev mode: signing in is optional here. <Link href="/">Continue without signing in</Link>.</p>
      ) : null}
    </div>
  );
}
