/** The form controls of the settings forms (key settings and the model panel), each labelled for its accessible name. */
import { cloneElement, useId, useState, type JSX, type ReactElement } from 'react';
import { formatUnitList, parseUnitList } from '../state/configForm';

/**
 * One labelled control. The label points at the control by id instead of wrapping it: a wrapping label would
 * fold the control's own text (a select's current option) into its accessible name ("Objective triplet").
 */
export function Field(props: {
  label: string;
  children: ReactElement<{ id?: string }>;
  help?: string;
  advanced?: boolean;
}): JSX.Element {
  const id = useId();
  return (
    // `advanced` fields are hidden in classroom mode (features/teach/teach.css).
    <div className={props.advanced ? 'field field-advanced' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {cloneElement(props.children, { id })}
      {props.help ? <p className="help">{props.help}</p> : null}
    </div>
  );
}

export function Select<T extends string>(props: {
  value: T;
  options: readonly T[];
  onChange(value: T): void;
  disabled?: boolean;
  id?: string;
}): JSX.Element {
  return (
    <select
      id={props.id}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.value as T)}
    >
      {props.options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

export function NumberInput(props: {
  value: number;
  step?: string;
  onChange(value: number): void;
  disabled?: boolean;
  id?: string;
}): JSX.Element {
  return (
    <input
      id={props.id}
      type="number"
      step={props.step ?? 'any'}
      disabled={props.disabled}
      value={Number.isFinite(props.value) ? props.value : ''}
      onChange={(e) => props.onChange(e.target.value.trim() === '' ? Number.NaN : Number(e.target.value))}
    />
  );
}

/**
 * A comma-separated list of layer widths (e.g. conv filters). Keeps the user's text while it does not parse and
 * reports why through `onError`; shows the config's list again when it changes from outside.
 */
export function ListInput(props: {
  value: readonly number[];
  onChange(value: number[]): void;
  onError(message: string | null): void;
  id?: string;
}): JSX.Element {
  const [text, setText] = useState(formatUnitList(props.value));
  const [shown, setShown] = useState(props.value);
  if (shown !== props.value) {
    setShown(props.value);
    setText(formatUnitList(props.value));
  }
  return (
    <input
      id={props.id}
      type="text"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseUnitList(e.target.value);
        if (parsed.ok) {
          props.onError(null);
          props.onChange(parsed.value);
        } else props.onError(parsed.message);
      }}
    />
  );
}
