'use client';
// A <select> bound to one URL search parameter: changing it navigates (replace), so the view's
// state is always in its URL and shareable.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

export interface Option { value: string; label: string }

export function UrlSelect({ name, label, options, value, resets = [], testId }: {
  name: string;
  label: string;
  options: Option[];
  value: string;
  /** Parameters cleared when this one changes (e.g. a block that may not exist for a new metric). */
  resets?: string[];
  testId?: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, startTransition] = useTransition();
  return (
    <label className="field">
      {label}
      <select
        value={value}
        data-testid={testId}
        aria-busy={pending}
        onChange={(event) => {
          const next = new URLSearchParams(search.toString());
          next.set(name, event.target.value);
          for (const r of resets) next.delete(r);
          startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
        }}
      >
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}
