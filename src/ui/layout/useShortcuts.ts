/**
 * The page's keyboard: space trains or pauses, → steps, ? toggles the help, Esc closes the help or the drawer (the
 * rule itself is shortcutOf). The handler is steady (it acts on the latest props), so it is registered once.
 */
import { useEffect } from 'react';
import { useSteadyHandler } from '../state/useSteadyHandler';
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
  const onKey = useSteadyHandler((event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      targets.onEscape();
      return;
    }
    const action = shortcutOf(event);
    if (action === null) return;
    event.preventDefault();
    if (action === 'help') targets.onToggleHelp();
    else if (action === 'train-or-pause') {
      if (targets.running) targets.onPause();
      else if (targets.canTrain) targets.onTrain();
    } else if (action === 'step' && !targets.running && targets.canTrain) targets.onStep();
  });
  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onKey]);
}
