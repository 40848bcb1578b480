/**
 * The page's top bar: the title, the run controls, the status line, the panel buttons, the classroom switch and the
 * shortcuts help, on one row so the rest of the viewport goes to the scatter and the charts.
 */
import type { ComponentProps, JSX } from 'react';
import { Controls } from '../components/Controls';
import { StatusLine } from '../components/StatusLine';
import type { AppState } from '../state/reducer';
import { DrawerButtons, type DrawerPanel } from './Drawer';
import { HelpPopover } from './HelpPopover';

export function TopBar(props: {
  state: AppState;
  controls: ComponentProps<typeof Controls>;
  panels: readonly Pick<DrawerPanel, 'id' | 'label'>[];
  drawer: string | null;
  onToggleDrawer(id: string): void;
  classroom: boolean;
  onClassroom(on: boolean): void;
  helpOpen: boolean;
  onHelp(open: boolean): void;
}): JSX.Element {
  const { state, classroom } = props;
  return (
    <header className="topbar">
      <h1>Siamese Playground</h1>
      <Controls {...props.controls} />
      <StatusLine
        step={state.step}
        epoch={state.epoch}
        loss={state.lastLoss}
        stepsPerSecond={state.stepsPerSecond}
        backend={state.backend}
        state={state.runState}
        note={state.backendNote}
      />
      <DrawerButtons panels={props.panels} open={props.drawer} onToggle={props.onToggleDrawer} />
      <button
        type="button"
        className="classroom-toggle"
        aria-pressed={classroom}
        title="Projector view: big scatter, big loss chart, large type"
        onClick={() => props.onClassroom(!classroom)}
      >
        Classroom mode
      </button>
      <HelpPopover open={props.helpOpen} onToggle={props.onHelp} />
    </header>
  );
}
