'use client';
// Chart colours come from the page's CSS variables so canvas charts follow the light/dark theme;
// re-read when html[data-theme] or the OS preference changes.
import { useEffect, useState } from 'react';

export interface ChartTheme {
  dark: boolean;
  text: string;
  muted: string;
  grid: string;
  border: string;
  surface: string;
  accent: string;
  ok: string;
  bad: string;
  run: string;
  modes: Record<string, string>;
  palette: string[];
}

const FALLBACK: ChartTheme = {
  dark: false, text: '#161a20', muted: '#5b6573', grid: '#e6e9ee', border: '#dfe3e8', surface: '#ffffff',
  accent: '#1f5fd1', ok: '#1e7f43', bad: '#c2261d', run: '#1f6fd1',
  modes: { E2E: '#d9480f', BLOCKWISE_SIMULTANEOUS: '#1c6fd6', BLOCKWISE_SEQUENTIAL: '#2b8a3e' },
  palette: ['#1c6fd6', '#d9480f', '#2b8a3e', '#9c36b5', '#e8a400', '#0b7285', '#c2255c', '#5c940d', '#495057', '#364fc7'],
};

/** The scheme in use: pinned by html[data-theme], else the OS preference. */
function isDark(): boolean {
  const pinned = document.documentElement.getAttribute('data-theme');
  return pinned ? pinned === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function read(): ChartTheme {
  // The variables hold light-dark(light, dark) pairs, which canvas charts cannot read: a hidden
  // probe's computed colour is the one the page uses now.
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const v = (name: string, fallback: string) => {
    probe.style.color = `var(${name}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  };
  const dark = isDark();
  const modes = {
    E2E: v('--mode-e2e', FALLBACK.modes.E2E!),
    BLOCKWISE_SIMULTANEOUS: v('--mode-sim', FALLBACK.modes.BLOCKWISE_SIMULTANEOUS!),
    BLOCKWISE_SEQUENTIAL: v('--mode-seq', FALLBACK.modes.BLOCKWISE_SEQUENTIAL!),
  };
  const theme: ChartTheme = {
    dark,
    text: v('--text', FALLBACK.text),
    muted: v('--muted', FALLBACK.muted),
    grid: v('--grid-line', FALLBACK.grid),
    border: v('--border', FALLBACK.border),
    surface: v('--surface', FALLBACK.surface),
    accent: v('--accent', FALLBACK.accent),
    ok: v('--ok', FALLBACK.ok),
    bad: v('--bad', FALLBACK.bad),
    run: v('--run', FALLBACK.run),
    modes,
    palette: dark
      ? ['#5aa2ff', '#ff8a4c', '#5ccf72', '#d08cff', '#ffd43b', '#3bc9db', '#f783ac', '#a9e34b', '#ced4da', '#91a7ff']
      : FALLBACK.palette,
  };
  probe.remove();
  return theme;
}

export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(FALLBACK);
  useEffect(() => {
    const update = () => setTheme(read());
    update();
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', update);
    };
  }, []);
  return theme;
}

/** Axis styling shared by every cartesian chart. */
export function axisStyle(theme: ChartTheme) {
  return {
    axisLine: { lineStyle: { color: theme.border } },
    axisTick: { lineStyle: { color: theme.border } },
    axisLabel: { color: theme.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: theme.grid } },
    nameTextStyle: { color: theme.muted, fontSize: 11 },
  };
}

export function tooltipStyle(theme: ChartTheme) {
  return {
    backgroundColor: theme.surface,
    borderColor: theme.border,
    textStyle: { color: theme.text, fontSize: 12 },
    confine: true,
  };
}

export function legendStyle(theme: ChartTheme) {
  return { textStyle: { color: theme.text, fontSize: 11.5 }, inactiveColor: theme.border, type: 'scroll' as const, pageIconColor: theme.accent, pageTextStyle: { color: theme.muted } };
}
