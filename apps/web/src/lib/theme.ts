// The theme preference: 'system' follows prefers-color-scheme; 'light'/'dark' pin it.
export const THEME_COOKIE = 'stratum-theme';
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export function parseTheme(value: string | undefined | null): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}
