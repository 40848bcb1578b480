/** The model and training form: edits the one Config shape; every validate() problem is listed. */
import { cloneElement, useId, useState, type JSX, type ReactElement } from 'react';
import { BACKENDS, BATCH_MODES, DISTANCES, LOSSES, MINERS, MINING_MODES, OPTIMIZERS, TOWERS, type Config, type ConfigIssue } from '../../core/config';
import { formatUnitList, HELP, parseUnitList, updateConfig } from '../state/configForm';

/**
 * One labelled control. The label points at the control by id instead of wrapping it: a wrapping label would
 * fold the control's own text (a select's current option) into its accessible name ("Objective triplet").
 */
function Field(props: { label: string; children: ReactElement<{ id?: string }>; help?: string }): JSX.Element {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {cloneElement(props.children, { id })}
      {props.help ? <p className="help">{props.help}</p> : null}
    </div>
  );
}

function Select<T extends string>(props: { value: T; options: readonly T[]; onChange(value: T): void; disabled?: boolean; id?: string }): JSX.Element {
  return (
    <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as T)}>
      {props.options.map((o) => (
        <option key={o} value={o}>{o}</option>
      ))}
    </select>
  );
}

function NumberInput(props: { value: number; step?: string; onChange(value: number): void; disabled?: boolean; id?: string }): JSX.Element {
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

/** `<section aria-label="Model and training">`; `locked` while training runs (edits would need a new run). */
export function ModelPanel(props: {
  config: Config;
  issues: readonly ConfigIssue[];
  locked: boolean;
  onChange(config: Config): void;
  onBackend(backend: Config['training']['backend']): void;
  onFormError(message: string | null): void;
}): JSX.Element {
  const { config: c, issues, locked, onChange } = props;
  const [unitsText, setUnitsText] = useState(formatUnitList(c.model.mlp.hiddenUnits));
  const [unitsError, setUnitsError] = useState<string | null>(null);
  const [shownUnits, setShownUnits] = useState(c.model.mlp.hiddenUnits);
  if (shownUnits !== c.model.mlp.hiddenUnits && !unitsError) {
    // The config changed from outside (new dataset): show its widths.
    setShownUnits(c.model.mlp.hiddenUnits);
    setUnitsText(formatUnitList(c.model.mlp.hiddenUnits));
  }
  const model = (patch: Partial<Config['model']>) => onChange(updateConfig(c, 'model', patch));
  const objective = (patch: Partial<Config['objective']>) => onChange(updateConfig(c, 'objective', patch));
  const batch = (patch: Partial<Config['batch']>) => onChange(updateConfig(c, 'batch', patch));
  const data = (patch: Partial<Config['data']>) => onChange(updateConfig(c, 'data', patch));
  const problems = [...(unitsError ? [unitsError] : []), ...issues.map((i) => i.message)];
  return (
    <section aria-label="Model and training" className="panel">
      <h2>Model and training</h2>
      <fieldset disabled={locked}>
        <Field label="Tower"><Select value={c.model.tower} options={TOWERS} onChange={(tower) => model({ tower })} /></Field>
        <Field label="Hidden units">
          <input
            type="text"
            value={unitsText}
            onChange={(e) => {
              setUnitsText(e.target.value);
              const parsed = parseUnitList(e.target.value);
              if (parsed.ok) {
                setUnitsError(null);
                props.onFormError(null);
                const mlp = { ...c.model.mlp, hiddenUnits: parsed.value };
                setShownUnits(parsed.value);
                model({ mlp });
              } else {
                setUnitsError(parsed.message);
                props.onFormError(parsed.message);
              }
            }}
          />
        </Field>
        <Field label="Embedding size"><NumberInput value={c.model.embeddingDim} step="1" onChange={(embeddingDim) => model({ embeddingDim })} /></Field>
        <Field label="L2-normalise embeddings">
          <input type="checkbox" checked={c.model.l2Normalize} onChange={(e) => model({ l2Normalize: e.target.checked })} />
        </Field>
        <Field label="Objective" help={HELP.loss[c.objective.loss]}>
          <Select value={c.objective.loss} options={LOSSES} onChange={(loss) => objective({ loss })} />
        </Field>
        <Field label="Distance" help={HELP.distance[c.objective.distance]}>
          <Select value={c.objective.distance} options={DISTANCES} onChange={(distance) => objective({ distance })} />
        </Field>
        <Field label="Margin"><NumberInput value={c.objective.margin} onChange={(margin) => objective({ margin })} /></Field>
        <Field label="Miner" help={HELP.miner[c.mining.miner]}>
          <Select value={c.mining.miner} options={MINERS} onChange={(miner) => onChange(updateConfig(c, 'mining', { miner }))} />
        </Field>
        <Field label="Mining mode">
          <Select value={c.mining.mode} options={MINING_MODES} onChange={(mode) => onChange(updateConfig(c, 'mining', { mode }))} />
        </Field>
        <Field label="Batch composition"><Select value={c.batch.mode} options={BATCH_MODES} onChange={(mode) => batch({ mode })} /></Field>
        <Field label="Batch size"><NumberInput value={c.batch.size} step="1" onChange={(size) => batch({ size })} /></Field>
        <Field label="Classes per batch"><NumberInput value={c.batch.classesPerBatch} step="1" onChange={(classesPerBatch) => batch({ classesPerBatch })} /></Field>
        <Field label="Optimizer">
          <Select value={c.optimizer.name} options={OPTIMIZERS} onChange={(name) => onChange(updateConfig(c, 'optimizer', { name }))} />
        </Field>
        <Field label="Learning rate">
          <NumberInput value={c.optimizer.learningRate} onChange={(learningRate) => onChange(updateConfig(c, 'optimizer', { learningRate }))} />
        </Field>
        <Field label="Seed"><NumberInput value={c.seed} step="1" onChange={(seed) => onChange({ ...c, seed })} /></Field>
        <Field label="Split input"><input type="checkbox" checked={c.data.splitInput} onChange={(e) => data({ splitInput: e.target.checked })} /></Field>
        <Field label="Split ratio"><NumberInput value={c.data.splitRatio} onChange={(splitRatio) => data({ splitRatio })} /></Field>
        <Field label="Temperature"><NumberInput value={c.objective.temperature} onChange={(temperature) => objective({ temperature })} /></Field>
        <Field label="Soft margin">
          <input type="checkbox" checked={c.objective.softMargin} onChange={(e) => objective({ softMargin: e.target.checked })} />
        </Field>
      </fieldset>
      <Field label="Backend">
        <Select value={c.training.backend} options={BACKENDS} onChange={(backend) => props.onBackend(backend)} />
      </Field>
      {problems.length > 0 ? (
        <ul role="alert" aria-label="Configuration problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
