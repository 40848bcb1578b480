/**
 * Everything beyond the one-screen view lives in a drawer: a row of disclosure buttons (one per panel) and one
 * drawer that shows the chosen panel over the charts column. Every panel stays mounted while hidden, so a half-typed
 * field, a picked sample or a threshold is still there when its panel is opened again.
 *
 * While training runs, a hidden panel is not rendered again until it is opened or training stops: the page renders
 * on every training event, several times a second, and rendering the hidden panels each time (their forms, lists
 * and tables, unseen) took about an eighth of the main thread's time on the 10,000-point page. A panel marked `live`
 * keeps following the run while hidden: its view renders only when its own data changes (a step's triplets, an
 * evaluation's pair distances), so a slow-motion lesson can switch between such panels with nothing to catch up.
 */
import { type JSX, memo, type ReactNode } from 'react';

/** One panel of the drawer: `label` is its button's text and accessible name. */
export interface DrawerPanel {
  id: string;
  label: string;
  /** Longer title shown at the drawer's top. */
  title: string;
  content: ReactNode;
  /** Rendered while hidden and training runs (a view memoised on its own data); every other panel is held then. */
  live?: boolean;
}

/** Its children, rendered again only while `shown` (and on the render that stops showing them). */
const HiddenHeld = memo(
  function HiddenHeld(props: { shown: boolean; children: ReactNode }): ReactNode {
    return props.children;
  },
  (before, after) => !before.shown && !after.shown,
);

const panelDomId = (id: string) => `drawer-panel-${id}`;

/** `<nav aria-label="Panels">`: a toggle button per panel (aria-expanded says whether that panel is open). */
export function DrawerButtons(props: {
  panels: readonly Pick<DrawerPanel, 'id' | 'label'>[];
  open: string | null;
  onToggle(id: string): void;
}): JSX.Element {
  return (
    <nav aria-label="Panels" className="drawer-buttons">
      {props.panels.map((p) => (
        <button
          key={p.id}
          type="button"
          aria-expanded={props.open === p.id}
          aria-controls={panelDomId(p.id)}
          onClick={() => props.onToggle(p.id)}
        >
          {p.label}
        </button>
      ))}
    </nav>
  );
}

/** The drawer: hidden when no panel is open; only the open panel shows, the others stay mounted and hidden. */
export function Drawer(props: {
  panels: readonly DrawerPanel[];
  open: string | null;
  /** Training runs: hidden panels, except live ones, are held. */
  training: boolean;
  onClose(): void;
}): JSX.Element {
  const current = props.panels.find((p) => p.id === props.open) ?? null;
  return (
    <aside aria-label={current ? `${current.title} panel` : 'Panel'} className="drawer" hidden={current === null}>
      <div className="drawer-head">
        <h2>{current?.title ?? ''}</h2>
        <button type="button" className="drawer-close" aria-label="Close panel" onClick={props.onClose}>
          ×
        </button>
      </div>
      <div className="drawer-body">
        {props.panels.map((p) => (
          <div key={p.id} id={panelDomId(p.id)} hidden={p.id !== props.open}>
            <HiddenHeld shown={!props.training || p.live === true || p.id === props.open}>{p.content}</HiddenHeld>
          </div>
        ))}
      </div>
    </aside>
  );
}
