// The session cookie's name and contents, shared by the proxy (which only checks that a valid
// session exists) and the app's session module.
import { unsealData } from 'iron-session';

export const SESSION_COOKIE = 'stratum_session';

export interface SessionData {
  /** The person's own API token (never sent to the browser in the clear: the cookie is sealed). */
  token: string;
  /** The token's role and label as the API's `viewer` reported them at sign-in. */
  role: string;
  label: string;
}

/** Whether a cookie value is a session this server sealed and that has not expired. */
export async function isValidSession(value: string | undefined, password: string, ttl: number): Promise<boolean> {
  if (!value) return false;
  try {
    const data = await unsealData<Partial<SessionData>>(value, { password, ttl });
    return typeof data.token === 'string' && data.token.length > 0;
  } catch {
    return false;
  }
}
