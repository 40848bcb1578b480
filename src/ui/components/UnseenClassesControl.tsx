/**
 * The unseen-class protocol's control (Data panel): off, a picked set of classes, or a seeded count. The page names
 * the classes with the core's own choice, so what it shows is what the run holds out.
 */
import { type JSX, useState } from 'react';
import { type Config, unseenClassCount } from '../../core/config';
import { fitPkBatch, protocolOf } from '../../core/data/unseen';
import type { DatasetInfo } from '../../worker/protocol';
import './metrics.css';

type Mode = 'off' | 'pick' | 'count';

/** `config` with the unseen classes set, the P×K batch refitted to the classes left, and what changed about it. */
export function withUnseen(
  config: Config,
  unseen: { classes: number[]; count: number },
  numClasses: number,
): { config: Config; note: string | null } {
  const next: Config = structuredClone(config);
  next.data.unseenClasses = unseen.classes;
  next.data.unseenCount = unseen.count;
  const held = unseenClassCount(next.data);
  const fit = held > 0 ? fitPkBatch(next.batch, numClasses - held) : null;
  if (fit) next.batch.classesPerBatch = fit.classesPerBatch;
  return { config: next, note: fit?.note ?? null };
}

export function UnseenClassesControl(props: {
  config: Config;
  dataset: DatasetInfo | null;
  locked: boolean;
  onChange(config: Config): void;
}): JSX.Element | null {
  const { config, dataset, locked } = props;
  /** The P × K the batch had before holding classes out refitted it. */
  const [refitFrom, setRefitFrom] = useState<string | null>(null);
  if (dataset?.kind !== 'labelled' || dataset.classNames.length < 4) return null;
  const classNames = dataset.classNames;
  const d = config.data;
  const mode: Mode = d.unseenClasses.length > 0 ? 'pick' : d.unseenCount > 0 ? 'count' : 'off';
  const set = (classes: number[], count: number) => {
    const { config: next, note } = withUnseen(config, { classes, count }, classNames.length);
    const before = `${config.batch.classesPerBatch} × ${config.batch.size / config.batch.classesPerBatch}`;
    // The refit stays in effect while classes are held out, so its note does too.
    setRefitFrom((old) => (unseenClassCount(next.data) === 0 ? null : note ? (old ?? before) : old));
    props.onChange(next);
  };
  const half = Math.floor(classNames.length / 2);
  const choose = (m: Mode) => {
    if (m === 'off') set([], 0);
    // Start from the upper half of the classes: the split the metric-learning benchmarks use.
    else if (m === 'pick')
      set(
        Array.from({ length: classNames.length - half }, (_, i) => half + i),
        0,
      );
    else set([], classNames.length - half);
  };
  let protocolText = 'Off: held-out metrics are about new samples of the training classes.';
  try {
    const protocol = protocolOf(d, classNames, config.seed);
    if (protocol.kind === 'unseen-classes')
      protocolText = `Training never sees ${protocol.classNames.join(', ')}; every held-out metric, histogram and the scatter are about them. The verification threshold is chosen on held-out samples of the other classes.`;
  } catch (error) {
    protocolText = (error as Error).message;
  }
  return (
    <fieldset className="unseen-classes" disabled={locked}>
      <legend>Unseen classes (held out of training)</legend>
      <div role="radiogroup" aria-label="Unseen classes">
        {(
          [
            ['off', 'Off'],
            ['pick', 'Pick classes'],
            ['count', 'A seeded count'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="unseen-mode"
              value={value}
              checked={mode === value}
              onChange={() => choose(value)}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {mode === 'pick' ? (
        <fieldset className="unseen-picks">
          <legend>Classes held out</legend>
          {classNames.map((name, c) => (
            <label key={name} className="unseen-class">
              <input
                type="checkbox"
                checked={d.unseenClasses.includes(c)}
                onChange={(e) =>
                  set(
                    e.target.checked
                      ? [...d.unseenClasses, c].sort((a, b) => a - b)
                      : d.unseenClasses.filter((x) => x !== c),
                    0,
                  )
                }
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
      ) : null}
      {mode === 'count' ? (
        <label>
          Number of unseen classes{' '}
          <input
            type="number"
            aria-label="Number of unseen classes"
            min={2}
            max={classNames.length - 2}
            step={1}
            value={d.unseenCount}
            onChange={(e) => {
              const value = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(value)) set([], value);
            }}
          />{' '}
          (chosen with the seed, {config.seed})
        </label>
      ) : null}
      <p className="unseen-protocol">{protocolText}</p>
      {refitFrom && unseenClassCount(d) > 0 ? (
        <p className="unseen-note">
          Note: only {classNames.length - unseenClassCount(d)} classes are left to train on, so a P×K batch of{' '}
          {config.batch.size} takes {config.batch.classesPerBatch} classes ×{' '}
          {config.batch.size / config.batch.classesPerBatch} samples (was {refitFrom}).
        </p>
      ) : null}
    </fieldset>
  );
}
