/** The one status line the tests and the lecturer read: step, epoch, loss, speed and backend. */
import type { JSX } from 'react';
import type { ActiveBackend, RunState } from '../../worker/protocol';

/** The status text, e.g. `Step 120 · epoch 1 · loss 0.1834 · 45.2 steps/s · backend wasm`. */
export function statusText(
  step: number,
  epoch: number,
  loss: number | null,
  stepsPerSecond: number,
  backend: ActiveBackend | null,
): string {
  const lossText = loss === null ? '–' : Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
  return `Step ${step} · epoch ${epoch} · loss ${lossText} · ${stepsPerSecond.toFixed(1)} steps/s · backend ${backend ?? '–'}`;
}

/** Status line plus the backend note (fallback reason or crash restart). */
export function StatusLine(props: {
  step: number;
  epoch: number;
  loss: number | null;
  stepsPerSecond: number;
  backend: ActiveBackend | null;
  state: RunState;
  note: string | null;
}): JSX.Element {
  const { step, epoch, loss, stepsPerSecond, backend, state, note } = props;
  return (
    <div className="status">
      <p role="status" data-step={step} data-state={state} data-backend={backend ?? ''}>
        {statusText(step, epoch, loss, stepsPerSecond, backend)}
      </p>
      {note ? (
        <p role="note" aria-label="Backend note" className="note">
          {note}
        </p>
      ) : null}
    </div>
  );
}
