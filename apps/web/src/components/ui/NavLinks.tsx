'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview', match: (p: string) => p === '/' || p.startsWith('/sweeps') },
  { href: '/runs', label: 'Runs', match: (p: string) => p.startsWith('/runs') },
  { href: '/compare', label: 'Compare', match: (p: string) => p.startsWith('/compare') },
  { href: '/agents', label: 'Agents & queue', match: (p: string) => p.startsWith('/agents') },
  { href: '/regressions', label: 'Regression checks', match: (p: string) => p.startsWith('/regressions') },
] as const;

export function NavLinks() {
  const pathname = usePathname();
  return (
    <>
      {LINKS.map((link) => (
        <Link key={link.href} href={link.href} className="nav-link" aria-current={link.match(pathname) ? 'page' : undefined}>
          {link.label}
        </Link>
      ))}
    </>
  );
}
