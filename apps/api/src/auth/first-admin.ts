// The first admin token, created on the first start, must not end up in container logs: it is
// printed only to an interactive terminal; otherwise it is written to a file only the server's
// user can read (mode 0600) and the log says where.
import fs from 'node:fs';
import path from 'node:path';

export const FIRST_ADMIN_TOKEN_FILE = 'first-admin-token';

/** Hands the token over; returns the line to print on stdout (never the token unless `interactive`). */
export function deliverFirstAdminToken(token: string, dataDir: string, interactive: boolean): string {
  if (interactive) return `\nFirst admin token (shown once, store it now):\n  ${token}\n\n`;
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, FIRST_ADMIN_TOKEN_FILE);
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  fs.chmodSync(file, 0o600);
  return `\nFirst admin token written to ${file} (mode 0600; stdout is not a terminal). Store it, then delete the file.\n\n`;
}
