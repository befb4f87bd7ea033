// Runs before every page, route handler and server action (server actions are POSTs to a page).
//  - local-dev (no sign-in, the server's token): only loopback Host and Origin are served, as the
//    API does — a web page elsewhere cannot drive the dashboard through the user's browser by DNS
//    rebinding (foreign Host) or a cross-site request (foreign Origin).
//  - login mode: without a valid session, pages redirect to /login and route handlers and server
//    actions answer 401. Each handler and action also checks on its own (session.ts), so a route
//    this matcher misses still acts with nobody's token.
import { NextResponse, type NextRequest } from 'next/server';
import { isLoopback, webConfig } from '@/lib/env';
import { isValidSession, SESSION_COOKIE } from '@/lib/session-cookie';

/** Pages anyone may open without signing in. */
const PUBLIC_PAGES = new Set(['/login']);

function hostnameOf(host: string): string {
  const bracketed = host.match(/^\[([^\]]+)\]/);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

/** Why a local-dev request is refused, or null when its Host and Origin are loopback. */
function localDevRefusal(request: NextRequest): string | null {
  const host = request.headers.get('host') ?? '';
  if (!isLoopback(hostnameOf(host))) return `Host ${JSON.stringify(host)} is not loopback; the dashboard's local-dev mode answers only 127.0.0.1, localhost or [::1]`;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let hostname = '';
    try {
      hostname = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      // not a URL: refused below
    }
    if (!isLoopback(hostname)) return `Origin ${JSON.stringify(origin)} is not loopback; the dashboard's local-dev mode refuses cross-site requests`;
  }
  return null;
}

function refuse(request: NextRequest, status: 401 | 403, message: string): NextResponse {
  const code = status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  const wantsJson = request.nextUrl.pathname.startsWith('/api/') || request.headers.has('next-action') || request.method !== 'GET';
  if (wantsJson) return NextResponse.json({ error: { message, code } }, { status, headers: { 'cache-control': 'no-store' } });
  return new NextResponse(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

export async function proxy(request: NextRequest) {
  const config = webConfig();
  if (config.STRATUM_LOCAL_DEV) {
    const refusal = localDevRefusal(request);
    return refusal ? refuse(request, 403, refusal) : NextResponse.next();
  }
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PAGES.has(pathname)) return NextResponse.next();
  if (await isValidSession(request.cookies.get(SESSION_COOKIE)?.value, config.SESSION_SECRET, config.SESSION_TTL_SECONDS)) return NextResponse.next();
  if (pathname.startsWith('/api/') || request.method !== 'GET' || request.headers.has('next-action')) {
    return refuse(request, 401, 'not signed in: sign in with your API token at /login');
  }
  const login = new URL('/login', request.url);
  if (pathname !== '/') login.searchParams.set('next', pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but the build's static assets and the public files.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
