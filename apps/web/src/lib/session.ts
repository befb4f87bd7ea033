// Who the dashboard acts for. A person signs in with their own API token; it is kept in a sealed
// (iron-session: encrypted and signed), httpOnly, SameSite=strict cookie, Secure when the request
// came over https. Every API call of a page, route handler or server action is made with that
// token, so the API enforces that person's role. Only in local-dev mode does a request without a
// session fall back to the server's token (STRATUM_API_TOKEN, or none for a local-dev API).
import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { getIronSession, type SessionOptions } from 'iron-session';
import { StratumError } from './api-error';
import { webConfig } from './env';
import { SESSION_COOKIE, type SessionData } from './session-cookie';

export { SESSION_COOKIE, type SessionData };

async function sessionOptions(): Promise<SessionOptions> {
  const config = webConfig();
  const proto = (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim();
  return {
    cookieName: SESSION_COOKIE,
    password: config.SESSION_SECRET,
    ttl: config.SESSION_TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: proto === 'https', path: '/' },
  };
}

/** The session cookie, read and (in server actions) writable. */
export async function openSession() {
  return getIronSession<Partial<SessionData>>(await cookies(), await sessionOptions());
}

/** The signed-in person for this request, or null. */
export const signedIn = cache(async (): Promise<SessionData | null> => {
  const session = await openSession();
  if (!session.token || !session.role || !session.label) return null;
  return { token: session.token, role: session.role, label: session.label };
});

export interface Caller {
  /** The bearer token to send, or null (local-dev against a local-dev API). */
  token: string | null;
  via: 'session' | 'local-dev';
}

/** Whose token this request acts with; throws UNAUTHENTICATED when nobody is signed in (outside local-dev). */
export async function caller(): Promise<Caller> {
  const person = await signedIn();
  if (person) return { token: person.token, via: 'session' };
  const config = webConfig();
  if (config.STRATUM_LOCAL_DEV) return { token: config.STRATUM_API_TOKEN ?? null, via: 'local-dev' };
  throw new StratumError('UNAUTHENTICATED', 'not signed in: sign in with your API token at /login', { status: 401 });
}
