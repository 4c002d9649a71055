import { useSyncExternalStore } from 'react';

/** Per-browser console preferences (not server state): theme. Language is kept by i18n. */
export type ThemeMode = 'light' | 'dark' | 'system';

const THEME_KEY = 'as.theme';
const listeners = new Set<() => void>();

function read(): ThemeMode {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'dark' || value === 'system' ? value : 'light';
  } catch {
    return 'light';
  }
}

let theme: ThemeMode = read();
const media = window.matchMedia?.('(prefers-color-scheme: dark)');
media?.addEventListener?.('change', () => listeners.forEach((l) => l()));

export function setTheme(next: ThemeMode): void {
  theme = next;
  try {
    localStorage.setItem(THEME_KEY, next);
  } catch {
    /* private mode */
  }
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useThemeMode(): ThemeMode {
  return useSyncExternalStore(subscribe, () => theme);
}

/** Whether the dark palette is in force (the choice, or the system's when following it). */
export function useIsDark(): boolean {
  const mode = useThemeMode();
  const systemDark = useSyncExternalStore(subscribe, () => Boolean(media?.matches));
  return mode === 'dark' || (mode === 'system' && systemDark);
}

const LAST_SHOP_KEY = 'as.lastShop';
export const lastShop = {
  get: (): string => {
    try {
      return localStorage.getItem(LAST_SHOP_KEY) ?? '';
    } catch {
      return '';
    }
  },
  set: (slug: string) => {
    try {
      localStorage.setItem(LAST_SHOP_KEY, slug);
    } catch {
      /* private mode */
    }
  },
};
