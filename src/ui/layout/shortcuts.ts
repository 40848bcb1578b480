/**
 * The page's keyboard shortcuts as data, so the help popover lists exactly what the handler does and a Node test
 * can check the rule without a browser.
 */

/** What a shortcut asks for. */
export type ShortcutAction = 'train-or-pause' | 'step' | 'help';

/** One row of the help popover. */
export interface ShortcutHelp {
  keys: string;
  action: string;
}

export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: 'Space', action: 'Train, or pause while training' },
  { keys: '→ (right arrow)', action: 'One training step (while paused)' },
  { keys: '?', action: 'Show or hide this list' },
  { keys: 'Esc', action: 'Close the open panel or this list' },
];

/** The parts of a keyboard event the rule reads (a DOM KeyboardEvent has them all). */
export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  repeat?: boolean;
  target: EventTarget | null;
}

/** The parts of the event's target the rule reads (an Element has them all). */
interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  getAttribute?(name: string): string | null;
}

/** Elements that take typing or arrow keys themselves: a shortcut there would steal the user's keystroke. */
const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Elements that a space activates (a button, a link, a checkbox's label): space belongs to them. */
const ACTIVATED_BY_SPACE = new Set(['BUTTON', 'A', 'SUMMARY', 'LABEL']);
const ROLES_WITH_KEYS = new Set([
  'slider',
  'spinbutton',
  'textbox',
  'combobox',
  'listbox',
  'button',
  'tab',
  'menuitem',
]);

/**
 * The shortcut a key press asks for, or null when the key belongs to what has focus: nothing fires while typing in
 * a field, with a modifier held, or (space) on a control that space activates, so one press never acts twice.
 */
export function shortcutOf(event: KeyLike): ShortcutAction | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const target = (event.target ?? {}) as TargetLike;
  const tag = (target.tagName ?? '').toUpperCase();
  const role = target.getAttribute?.('role') ?? '';
  if (TYPING_TAGS.has(tag) || target.isContentEditable || ROLES_WITH_KEYS.has(role)) return null;
  if (event.key === ' ' || event.key === 'Spacebar') {
    if (ACTIVATED_BY_SPACE.has(tag) || event.repeat) return null;
    return 'train-or-pause';
  }
  if (event.key === 'ArrowRight') return 'step';
  if (event.key === '?') return 'help';
  return null;
}
