import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutOf, type KeyLike } from '../../../src/ui/layout/shortcuts';

/** A stand-in for an event's target with the fields the rule reads (an Element has them all). */
function target(tagName: string, attributes: Record<string, string> = {}, isContentEditable = false) {
  return {
    tagName,
    isContentEditable,
    getAttribute: (name: string) => attributes[name] ?? null,
  } as unknown as EventTarget;
}

function key(k: string, on: EventTarget | null, extra: Partial<KeyLike> = {}): KeyLike {
  return { key: k, altKey: false, ctrlKey: false, metaKey: false, target: on, ...extra };
}

describe('keyboard shortcuts', () => {
  const body = target('BODY');

  it('space trains or pauses, the right arrow steps and ? toggles the help, on the page itself', () => {
    expect(shortcutOf(key(' ', body))).toBe('train-or-pause');
    expect(shortcutOf(key('ArrowRight', body))).toBe('step');
    expect(shortcutOf(key('?', body))).toBe('help');
    expect(shortcutOf(key('ArrowLeft', body))).toBeNull();
    expect(shortcutOf(key('a', body))).toBeNull();
    expect(shortcutOf(key(' ', target('CANVAS', { role: 'img' })))).toBe('train-or-pause');
  });

  it('never fires while typing in a field, on a slider or with a modifier held', () => {
    for (const tag of ['INPUT', 'TEXTAREA', 'SELECT']) {
      expect(shortcutOf(key(' ', target(tag))), tag).toBeNull();
      expect(shortcutOf(key('ArrowRight', target(tag))), tag).toBeNull();
      expect(shortcutOf(key('?', target(tag))), tag).toBeNull();
    }
    expect(shortcutOf(key('ArrowRight', target('DIV', {}, true)))).toBeNull();
    expect(shortcutOf(key('ArrowRight', target('DIV', { role: 'slider' })))).toBeNull();
    expect(shortcutOf(key(' ', body, { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(key('ArrowRight', body, { altKey: true }))).toBeNull();
    expect(shortcutOf(key('ArrowRight', body, { metaKey: true }))).toBeNull();
  });

  it('leaves space to a focused button or link (it activates them; one press must not act twice)', () => {
    expect(shortcutOf(key(' ', target('BUTTON')))).toBeNull();
    expect(shortcutOf(key(' ', target('A')))).toBeNull();
    expect(shortcutOf(key(' ', target('DIV', { role: 'button' })))).toBeNull();
    // The arrow does nothing on a button, so it still steps from there.
    expect(shortcutOf(key('ArrowRight', target('BUTTON')))).toBe('step');
    // A held space repeats: one toggle per press.
    expect(shortcutOf(key(' ', body, { repeat: true }))).toBeNull();
  });

  it('the help lists every key the handler answers', () => {
    const keys = SHORTCUTS.map((s) => s.keys).join(' ');
    expect(keys).toContain('Space');
    expect(keys).toContain('→');
    expect(keys).toContain('?');
    expect(keys).toContain('Esc');
  });
});
