/**
 * The page's keyboard: space trains or pauses, → steps, ? toggles the help, Esc closes the help or the drawer (the
 * rule itself is shortcutOf). The handler reads the latest props through a ref, so it is registered once.
 */
import { useEffect, useRef } from 'react';
import { shortcutOf } from './shortcuts';

export interface ShortcutTargets {
  running: boolean;
  canTrain: boolean;
  onTrain(): void;
  onPause(): void;
  onStep(): void;
  onToggleHelp(): void;
  /** Esc: close whatever is open. */
  onEscape(): void;
}

export function useShortcuts(targets: ShortcutTargets): void {
  const latest = useRef(targets);
  latest.current = targets;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const k = latest.current;
      if (event.key === 'Escape') {
        k.onEscape();
        return;
      }
      const action = shortcutOf(event);
      if (action === null) return;
      event.preventDefault();
      if (action === 'help') k.onToggleHelp();
      else if (action === 'train-or-pause') {
        if (k.running) k.onPause();
        else if (k.canTrain) k.onTrain();
      } else if (action === 'step' && !k.running && k.canTrain) k.onStep();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
