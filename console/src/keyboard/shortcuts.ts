import type { ShortcutBinding } from '../lib/keys';

export type ShortcutScope = 'global' | 'queue' | 'case' | 'search';

export interface ShortcutDef extends ShortcutBinding {
  scope: ShortcutScope;
  /** i18n key of the label (`shortcut.*`). */
  label: string;
  /** Offered in the command palette. */
  palette?: boolean;
}

/**
 * THE keyboard table: the dispatcher, the `?` sheet and the command palette all read it. Screens attach
 * handlers by id (useShortcut). Single keys never fire while typing, in dialogs or during IME composition;
 * presence has no single-key shortcut on purpose (an accidental 挂起 silently stops distribution).
 */
export const SHORTCUTS: readonly ShortcutDef[] = [
  { id: 'help', keys: ['?'], scope: 'global', label: 'shortcut.help', palette: true },
  { id: 'palette', keys: ['Mod+k'], scope: 'global', label: 'shortcut.palette', inInputs: true, inDialogs: true },
  { id: 'goQueue', keys: ['g q'], scope: 'global', label: 'shortcut.goQueue', palette: true },
  { id: 'goSearch', keys: ['g c'], scope: 'global', label: 'shortcut.goSearch', palette: true },
  { id: 'toggleTheme', keys: ['Shift+D'], scope: 'global', label: 'shortcut.toggleTheme', palette: true },
  { id: 'toggleLanguage', keys: ['Shift+L'], scope: 'global', label: 'shortcut.toggleLanguage', palette: true },

  { id: 'queue.next', keys: ['j', 'ArrowDown'], scope: 'queue', label: 'shortcut.next' },
  { id: 'queue.prev', keys: ['k', 'ArrowUp'], scope: 'queue', label: 'shortcut.prev' },
  { id: 'queue.open', keys: ['Enter', 'o'], scope: 'queue', label: 'shortcut.open' },
  { id: 'queue.claim', keys: ['n'], scope: 'queue', label: 'shortcut.claim', palette: true },
  { id: 'queue.filter', keys: ['/'], scope: 'queue', label: 'shortcut.filter' },
  { id: 'queue.clear', keys: ['Escape'], scope: 'queue', label: 'shortcut.clear' },

  { id: 'case.reply', keys: ['r'], scope: 'case', label: 'shortcut.reply' },
  { id: 'case.canned', keys: ['Mod+/'], scope: 'case', label: 'shortcut.canned', inInputs: true },
  { id: 'case.send', keys: ['Mod+Enter'], scope: 'case', label: 'shortcut.send', inInputs: true },
  { id: 'case.sendNext', keys: ['Mod+Shift+Enter'], scope: 'case', label: 'shortcut.sendNext', inInputs: true },
  { id: 'case.nextCase', keys: ['Alt+j'], scope: 'case', label: 'shortcut.nextCase', inInputs: true },
  { id: 'case.prevCase', keys: ['Alt+k'], scope: 'case', label: 'shortcut.prevCase', inInputs: true },
  { id: 'case.transfer', keys: ['t'], scope: 'case', label: 'shortcut.transfer', palette: true },
  { id: 'case.release', keys: ['Shift+R'], scope: 'case', label: 'shortcut.release', palette: true },
  { id: 'case.upload', keys: ['u'], scope: 'case', label: 'shortcut.upload', palette: true },
  { id: 'case.dossier', keys: ['d'], scope: 'case', label: 'shortcut.dossier', palette: true },
  { id: 'case.back', keys: ['Escape'], scope: 'case', label: 'shortcut.back' },

  { id: 'search.focus', keys: ['/'], scope: 'search', label: 'shortcut.filter' },
];
