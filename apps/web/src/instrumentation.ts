// Validates the configuration when the server starts (Node.js runtime only; see startup-check.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./lib/startup-check');
}
