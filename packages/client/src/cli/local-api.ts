// With nothing configured, the CLI tries the API the demo runs: a server on this machine in
// local-dev mode (STRATUM_LOCAL_DEV, loopback only) answers anonymous requests as its local-dev
// admin, so it needs no token. Anything else there (nothing, another program, a server that
// wants a token) is not used, and the "no API URL" error stands.

/** Where the demo's API listens. */
export const LOCAL_API_URL = 'http://127.0.0.1:4000';

/** Whether a Stratum API in local-dev mode answers at `url` within `timeoutMs`. */
export async function localDevApiAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ viewer { label } }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { data?: { viewer?: { label?: string } } };
    return body.data?.viewer?.label === 'local-dev';
  } catch {
    return false;
  }
}
