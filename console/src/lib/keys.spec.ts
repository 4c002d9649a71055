import { chordOf, isImeEvent, KeySequencer, mayFire, normaliseBinding, type KeyLike } from './keys';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...extra });
const idle = { inEditable: false, dialogOpen: false, composing: false };

describe('chordOf', () => {
  it('should name letters, shifted letters, symbols and chords', () => {
    expect(chordOf(key('j'))).toBe('j');
    expect(chordOf(key('R', { shiftKey: true }))).toBe('Shift+R');
    expect(chordOf(key('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(key('k', { ctrlKey: true }))).toBe('Mod+k');
    expect(chordOf(key('k', { metaKey: true }))).toBe('Mod+k');
    expect(chordOf(key('Enter', { ctrlKey: true }))).toBe('Mod+Enter');
    expect(chordOf(key('Enter', { ctrlKey: true, shiftKey: true }))).toBe('Mod+Shift+Enter');
    expect(chordOf(key('∆', { altKey: true, code: 'KeyJ' }))).toBe('Alt+j');
    expect(chordOf(key('Shift', { shiftKey: true }))).toBeNull();
  });
  it('should agree with bindings as written in the table', () => {
    expect(normaliseBinding('Shift+r')).toBe('Shift+R');
    expect(normaliseBinding('Ctrl+K')).toBe('Mod+k');
    expect(normaliseBinding('g q')).toBe('g q');
    expect(normaliseBinding('Mod+/')).toBe('Mod+/');
  });
});

describe('isImeEvent', () => {
  it('should see composition by flag, by isComposing and by keyCode 229', () => {
    expect(isImeEvent(key('Enter', { isComposing: true }))).toBe(true);
    expect(isImeEvent(key('Enter', { keyCode: 229 }))).toBe(true);
    expect(isImeEvent(key('Enter'), true)).toBe(true);
    expect(isImeEvent(key('Enter', { keyCode: 13 }))).toBe(false);
  });
});

describe('mayFire', () => {
  const single = { id: 'next', keys: ['j'] };
  const send = { id: 'send', keys: ['Mod+Enter'], inInputs: true };
  it('should never fire single keys in inputs, dialogs or while composing', () => {
    expect(mayFire(single, 'j', idle)).toBe(true);
    expect(mayFire(single, 'j', { ...idle, inEditable: true })).toBe(false);
    expect(mayFire(single, 'j', { ...idle, dialogOpen: true })).toBe(false);
    expect(mayFire(single, 'j', { ...idle, composing: true })).toBe(false);
  });
  it('should fire command chords in inputs only when allowed, and never while composing', () => {
    expect(mayFire(send, 'Mod+Enter', { ...idle, inEditable: true })).toBe(true);
    expect(mayFire({ id: 'x', keys: ['Mod+k'] }, 'Mod+k', { ...idle, inEditable: true })).toBe(false);
    expect(mayFire(send, 'Mod+Enter', { ...idle, inEditable: true, composing: true })).toBe(false);
  });
});

describe('KeySequencer', () => {
  const sequencer = () =>
    new KeySequencer([
      { id: 'goQueue', keys: ['g q'] },
      { id: 'next', keys: ['j', 'ArrowDown'] },
      { id: 'send', keys: ['Mod+Enter'], inInputs: true },
      { id: 'release', keys: ['Shift+R'] },
    ]);
  it('should match single keys and chords', () => {
    const s = sequencer();
    expect(s.dispatch(key('j'), idle, 0).id).toBe('next');
    expect(s.dispatch(key('ArrowDown'), idle, 0).id).toBe('next');
    expect(s.dispatch(key('R', { shiftKey: true }), idle, 0).id).toBe('release');
    expect(s.dispatch(key('r'), idle, 0).id).toBeNull();
  });
  it('should match a sequence typed in time, and forget it after', () => {
    const s = sequencer();
    expect(s.dispatch(key('g'), idle, 0)).toEqual({ id: null, pending: true });
    expect(s.dispatch(key('q'), idle, 500).id).toBe('goQueue');
    s.dispatch(key('g'), idle, 1000);
    expect(s.dispatch(key('q'), idle, 5000).id).toBeNull();
  });
  it('should pick the binding active on the current screen when keys are shared', () => {
    const s = new KeySequencer([
      { id: 'queue.clear', keys: ['Escape'] },
      { id: 'case.back', keys: ['Escape'] },
    ]);
    expect(s.dispatch(key('Escape'), idle, 0, (id) => id === 'case.back').id).toBe('case.back');
    expect(s.dispatch(key('Escape'), idle, 0, () => false).id).toBeNull();
  });
  it('should ignore the Enter that confirms an IME candidate', () => {
    const s = sequencer();
    expect(s.dispatch(key('Enter', { ctrlKey: true, isComposing: true }), { ...idle, inEditable: true }, 0).id).toBeNull();
    expect(s.dispatch(key('Enter', { ctrlKey: true, keyCode: 229 }), { ...idle, inEditable: true }, 0).id).toBeNull();
    expect(s.dispatch(key('Enter', { ctrlKey: true }), { ...idle, inEditable: true }, 0).id).toBe('send');
  });
});
