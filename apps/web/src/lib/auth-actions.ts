'use server';
// Sign-in and sign-out. Signing in checks the token with the API's `viewer` query (which answers
// its role and label) before sealing it into the session cookie; AGENT tokens are for agent
// daemons and are refused here. Signing out clears the cookie.
import { redirect } from 'next/navigation';
import { describeError, type ApiErrorShape } from './api-error';
import { ViewerQuery, READ_ROLES } from './data/viewer';
import { gqlAs } from './graphql';
import { openSession } from './session';

export type SignInResult = { ok: false; error: ApiErrorShape };

const TOKEN = /^\S{8,512}$/;

/** Where to go after signing in: a path on this site only (never `//host` or a full URL). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : '/';
}

export async function signInAction(token: string, next: string): Promise<SignInResult> {
  const candidate = typeof token === 'string' ? token.trim() : '';
  if (!candidate) return { ok: false, error: { message: 'enter your API token (stm_…)', code: 'BAD_USER_INPUT' } };
  if (!TOKEN.test(candidate)) return { ok: false, error: { message: 'an API token is one word of 8–512 characters (stm_…), without spaces', code: 'BAD_USER_INPUT' } };
  let viewer: { role: string; label: string };
  try {
    viewer = (await gqlAs(candidate, ViewerQuery)).viewer;
  } catch (error) {
    const e = describeError(error);
    if (e.code === 'UNAUTHENTICATED') return { ok: false, error: { message: 'the API does not accept this token: it is unknown or revoked', code: 'UNAUTHENTICATED' } };
    return { ok: false, error: e };
  }
  if (!READ_ROLES.has(viewer.role)) {
    return { ok: false, error: { message: `this is an ${viewer.role} token (for agent daemons); sign in with a READER, WRITER or ADMIN token`, code: 'FORBIDDEN' } };
  }
  const session = await openSession();
  session.token = candidate;
  session.role = viewer.role;
  session.label = viewer.label;
  await session.save();
  redirect(safeNext(next));
}

export async function signOutAction(): Promise<void> {
  const session = await openSession();
  session.destroy();
  redirect('/login?signedOut=1');
}
