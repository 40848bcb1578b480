/** Train/Pause, Step, Reset and the slow-motion speed. */
import type { JSX } from 'react';
import type { RunState } from '../../worker/protocol';

/** Speed options: value → steps per second (null = as fast as possible). */
export const SPEEDS: readonly { value: string; stepsPerSecond: number | null }[] = [
  { value: 'max', stepsPerSecond: null },
  { value: '30', stepsPerSecond: 30 },
  { value: '10', stepsPerSecond: 10 },
  { value: '3', stepsPerSecond: 3 },
  { value: '1', stepsPerSecond: 1 },
];

export function Controls(props: {
  state: RunState;
  canTrain: boolean;
  speed: string;
  debug: boolean;
  onTrain(): void;
  onPause(): void;
  onStep(): void;
  onReset(): void;
  onSpeed(value: string): void;
  onLoseContext(): void;
  onCrashWorker(): void;
}): JSX.Element {
  const running = props.state === 'running';
  return (
    <section aria-label="Controls" className="controls">
      {running ? (
        <button type="button" onClick={props.onPause}>
          Pause
        </button>
      ) : (
        <button type="button" onClick={props.onTrain} disabled={!props.canTrain}>
          Train
        </button>
      )}
      <button type="button" onClick={props.onStep} disabled={running || !props.canTrain}>
        Step
      </button>
      <button type="button" onClick={props.onReset}>
        Reset
      </button>
      <label>
        Speed (steps/s){' '}
        <select aria-label="Speed" value={props.speed} onChange={(e) => props.onSpeed(e.target.value)}>
          {SPEEDS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.value}
            </option>
          ))}
        </select>
      </label>
      {props.debug ? (
        <button type="button" onClick={props.onLoseContext}>
          Lose WebGL context
        </button>
      ) : null}
      {props.debug ? (
        <button type="button" onClick={props.onCrashWorker}>
          Crash worker
        </button>
      ) : null}
    </section>
  );
}
