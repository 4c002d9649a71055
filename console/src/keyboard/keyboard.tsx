import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { KeySequencer } from '../lib/keys';
import { SHORTCUTS } from './shortcuts';

type Handler = () => void;

interface KeyboardApi {
  register(id: string, handler: Handler): () => void;
  run(id: string): boolean;
  has(id: string): boolean;
}

const KeyboardContext = createContext<KeyboardApi | null>(null);

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
  }
  return target.getAttribute('role') === 'combobox' || target.getAttribute('role') === 'textbox';
}

function dialogOpen(): boolean {
  return Array.from(document.querySelectorAll('[role="dialog"], [aria-modal="true"]')).some((el) => el.getClientRects().length > 0);
}

/** One window-level dispatcher for the shortcut table; screens plug handlers in by id. */
export function KeyboardProvider({ children }: { children: ReactNode }) {
  const handlers = useRef(new Map<string, Handler[]>());
  const composing = useRef(false);
  const sequencer = useMemo(() => new KeySequencer(SHORTCUTS), []);

  const api = useMemo<KeyboardApi>(
    () => ({
      register(id, handler) {
        const list = handlers.current.get(id) ?? [];
        handlers.current.set(id, [...list, handler]);
        return () =>
          handlers.current.set(
            id,
            (handlers.current.get(id) ?? []).filter((h) => h !== handler),
          );
      },
      run(id) {
        const list = handlers.current.get(id);
        const handler = list?.[list.length - 1];
        if (!handler) return false;
        handler();
        return true;
      },
      has(id) {
        return Boolean(handlers.current.get(id)?.length);
      },
    }),
    [],
  );

  useEffect(() => {
    let compositionEndedAt = 0;
    const onStart = () => {
      composing.current = true;
    };
    const onEnd = () => {
      composing.current = false;
      compositionEndedAt = performance.now();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      // macOS Pinyin sends the confirming Enter just after compositionend.
      const justComposed = performance.now() - compositionEndedAt < 30 && event.key === 'Enter';
      const context = { inEditable: isEditable(event.target), dialogOpen: dialogOpen(), composing: composing.current || justComposed };
      const { id, pending } = sequencer.dispatch(event, context, performance.now(), api.has);
      if (pending) return;
      if (id) {
        event.preventDefault();
        api.run(id);
      }
    };
    document.addEventListener('compositionstart', onStart, true);
    document.addEventListener('compositionend', onEnd, true);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('compositionstart', onStart, true);
      document.removeEventListener('compositionend', onEnd, true);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [api, sequencer]);

  return <KeyboardContext.Provider value={api}>{children}</KeyboardContext.Provider>;
}

export function useKeyboard(): KeyboardApi {
  const api = useContext(KeyboardContext);
  if (!api) throw new Error('useKeyboard outside KeyboardProvider');
  return api;
}

/** Attaches a handler to a shortcut of the table while the component is mounted. */
export function useShortcut(id: string, handler: Handler, enabled = true): void {
  const { register } = useKeyboard();
  const latest = useRef(handler);
  latest.current = handler;
  const stable = useCallback(() => latest.current(), []);
  useEffect(() => (enabled ? register(id, stable) : undefined), [id, enabled, register, stable]);
}
