'use client';
// Replaces the root layout when it fails itself; renders its own document.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: 32 }}>
        <title>Stratum — error</title>
        <h1>The dashboard failed to render</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        {digest ? <p><code>reference {digest}</code></p> : null}
        <button type="button" onClick={() => retry()}>Try again</button>
      </body>
    </html>
  );
}
