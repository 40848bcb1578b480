/** The keyboard-shortcuts button and its popover (the list comes from SHORTCUTS, the same table the handler uses). */
import type { JSX } from 'react';
import { SHORTCUTS } from './shortcuts';

export function HelpPopover(props: { open: boolean; onToggle(open: boolean): void }): JSX.Element {
  return (
    <div className="help-popover-anchor">
      <button
        type="button"
        className="help-button"
        aria-label="Keyboard shortcuts"
        aria-expanded={props.open}
        aria-controls="keyboard-shortcuts"
        onClick={() => props.onToggle(!props.open)}
      >
        ?
      </button>
      <div
        id="keyboard-shortcuts"
        role="dialog"
        aria-label="Keyboard shortcuts"
        className="help-popover"
        hidden={!props.open}
      >
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => props.onToggle(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
