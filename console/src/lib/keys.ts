/**
 * The keyboard rules, pure so they are unit-tested: how a key event is named, when a shortcut may fire,
 * and multi-key sequences (`g q`). The shortcut table itself lives in keyboard/shortcuts.ts.
 */

export interface KeyLike {
  key: string;
  code?: string;
  keyCode?: number;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

export interface KeyContext {
  /** Focus is in an input, textarea, select or contenteditable. */
  inEditable: boolean;
  /** A modal dialog or drawer is open. */
  dialogOpen: boolean;
  /** Between compositionstart and compositionend (plus the Enter macOS sends right after it). */
  composing: boolean;
}

export interface ShortcutBinding {
  id: string;
  /** e.g. `j`, `Shift+R`, `Mod+K`, `Alt+J`, `g q` (a sequence), `?` */
  keys: readonly string[];
  /** Chords with Mod/Alt may say they work while typing (send, palette, next case). */
  inInputs?: boolean;
  /** Fires while a dialog is open (Esc and the palette's own keys are handled by the dialog). */
  inDialogs?: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Meta', 'Alt', 'Shift', 'AltGraph', 'CapsLock']);

/** IME composition: the event says so, or Chrome/Safari's 229 placeholder, or our composition flag. */
export function isImeEvent(event: KeyLike, composingFlag = false): boolean {
  return Boolean(event.isComposing) || event.keyCode === 229 || composingFlag;
}

/** `Mod` is Ctrl on Windows/Linux and ⌘ on macOS: both are accepted everywhere. */
export function chordOf(event: KeyLike): string | null {
  if (MODIFIER_KEYS.has(event.key)) return null;
  let key = event.key;
  // Alt+letter types a symbol on macOS (Alt+J → ∆): name the physical key instead.
  if (event.altKey && event.code?.startsWith('Key')) key = event.code.slice(3);
  if (key.length === 1) key = /[a-z]/i.test(key) ? key.toLowerCase() : key;
  if (key === ' ') key = 'Space';
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Mod');
  if (event.altKey) parts.push('Alt');
  // Shift is part of the chord for letters and named keys, not for symbols it produces (`?`, `:`).
  if (event.shiftKey && (/^[a-z]$/.test(key) || key.length > 1)) parts.push('Shift');
  parts.push(/^[a-z]$/.test(key) && event.shiftKey ? key.toUpperCase() : key);
  return parts.join('+');
}

/** Normalises a binding as written in the table (`Shift+r`, `ctrl+k`) to the chordOf() form. */
export function normaliseBinding(binding: string): string {
  return binding
    .split(' ')
    .map((chord) => {
      const parts = chord.split('+');
      const key = parts.pop()!;
      const mods = new Set(parts.map((p) => p.toLowerCase()).map((p) => (p === 'ctrl' || p === 'cmd' || p === 'meta' ? 'mod' : p)));
      const out: string[] = [];
      if (mods.has('mod')) out.push('Mod');
      if (mods.has('alt')) out.push('Alt');
      const letter = /^[a-z]$/i.test(key);
      if (mods.has('shift')) out.push('Shift');
      out.push(letter ? (mods.has('shift') ? key.toUpperCase() : key.toLowerCase()) : key);
      return out.join('+');
    })
    .join(' ');
}

function hasCommandModifier(chord: string): boolean {
  return chord.startsWith('Mod+') || chord.startsWith('Alt+');
}

/** Whether a binding may fire in this context. Single keys never fire in inputs, dialogs or during IME composition. */
export function mayFire(binding: ShortcutBinding, chord: string, context: KeyContext): boolean {
  if (context.composing) return false;
  const commandChord = hasCommandModifier(chord);
  if (context.inEditable && !(commandChord && binding.inInputs)) return false;
  if (context.dialogOpen && !binding.inDialogs) return false;
  return true;
}

export interface DispatchResult {
  id: string | null;
  /** The key started or continued a sequence: swallow it. */
  pending: boolean;
}

/** Matches key events against bindings, including two-key sequences typed within `sequenceMs`. */
export class KeySequencer {
  private prefix: string | null = null;
  private prefixAt = 0;

  constructor(
    private readonly bindings: readonly ShortcutBinding[],
    private readonly sequenceMs = 1200,
  ) {}

  /** `active` says which bindings have a handler on the current screen (the same key may mean different things per screen). */
  dispatch(event: KeyLike, context: KeyContext, nowMs: number, active: (id: string) => boolean = () => true): DispatchResult {
    if (isImeEvent(event, context.composing)) return { id: null, pending: false };
    const chord = chordOf(event);
    if (!chord) return { id: null, pending: false };
    const prefix = this.prefix && nowMs - this.prefixAt <= this.sequenceMs ? this.prefix : null;
    this.prefix = null;
    const candidates = this.bindings
      .filter((binding) => active(binding.id))
      .flatMap((binding) => binding.keys.map((keys) => ({ binding, keys: normaliseBinding(keys) })));
    if (prefix) {
      const hit = candidates.find((c) => c.keys === `${prefix} ${chord}` && mayFire(c.binding, chord, context));
      if (hit) return { id: hit.binding.id, pending: false };
    }
    const exact = candidates.find((c) => c.keys === chord && mayFire(c.binding, chord, context));
    if (exact) return { id: exact.binding.id, pending: false };
    const startsSequence = candidates.some((c) => c.keys.startsWith(`${chord} `) && mayFire(c.binding, chord, context));
    if (startsSequence) {
      this.prefix = chord;
      this.prefixAt = nowMs;
      return { id: null, pending: true };
    }
    return { id: null, pending: false };
  }
}

/** How a binding is shown on a key cap: Mod as Ctrl (⌘ on macOS). */
export function displayKeys(binding: string, mac = false): string[] {
  return normaliseBinding(binding)
    .split(' ')
    .map((chord) =>
      chord
        .replace('Mod', mac ? '⌘' : 'Ctrl')
        .replace('Alt', mac ? '⌥' : 'Alt')
        .replace('ArrowDown', '↓')
        .replace('ArrowUp', '↑')
        .replace('Escape', 'Esc'),
    );
}
