// Imported once when the server starts: a missing SESSION_SECRET (or local-dev mode on a public
// address) stops the server at once with the reason, instead of failing every request.
import { webConfig } from './env';

try {
  webConfig();
} catch (error) {
  process.stderr.write(`stratum dashboard: ${(error as Error).message}\n`);
  process.exit(1);
}
