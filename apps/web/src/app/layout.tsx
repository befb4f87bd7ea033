import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies } from 'next/headers';
import { NavLinks } from '@/components/ui/NavLinks';
import { SessionBadge } from '@/components/ui/SessionBadge';
import { ThemeToggle } from '@/components/ui/ThemeToggle';
import { THEME_COOKIE, parseTheme } from '@/lib/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Stratum', template: '%s · Stratum' },
  description: 'Experiment tracking for masked video transformers trained end-to-end or blockwise',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === 'system' ? undefined : theme}>
      <body>
        <a href="#main" className="skip-link">Skip to content</a>
        <div className="shell">
          <nav className="sidebar" aria-label="Main">
            <Link href="/" className="brand" aria-label="Stratum home">
              <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
                <rect x="3" y="3" width="18" height="4" rx="1.5" fill="var(--mode-e2e)" />
                <rect x="3" y="10" width="18" height="4" rx="1.5" fill="var(--mode-sim)" />
                <rect x="3" y="17" width="18" height="4" rx="1.5" fill="var(--mode-seq)" />
              </svg>
              Stratum
            </Link>
            <NavLinks />
            <div className="sidebar-foot">
              <SessionBadge />
              <ThemeToggle initial={theme} />
            </div>
          </nav>
          <div className="content">
            <main id="main" className="main" tabIndex={-1}>
              {children}
            </main>
          </div>
        </div>
      </body>
    </html>
  );
}
