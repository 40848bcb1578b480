/** The model and training form: edits the one Config shape; every validate() problem is listed. */
import { memo, useState, type JSX } from 'react';
import {
  ACTIVATIONS,
  BACKENDS,
  BATCH_MODES,
  DISTANCES,
  HEAD_COMBINES,
  LOSSES,
  MINERS,
  MINING_MODES,
  OPTIMIZERS,
  REDUCTIONS,
  TOWERS,
  type Config,
} from '../../core/config';
import { formatUnitList, HELP, parseUnitList, updateConfig } from '../state/configForm';
import { Field, ListInput, NumberInput, Select } from './formFields';

interface KeySettingsProps {
  config: Config;
  problems: readonly string[];
  locked: boolean;
  onChange(config: Config): void;
}

/** The problems list is made afresh on each page render: the same problems in the same order are the same props. */
function sameKeySettings(a: KeySettingsProps, b: KeySettingsProps): boolean {
  return (
    a.config === b.config &&
    a.locked === b.locked &&
    a.onChange === b.onChange &&
    a.problems.length === b.problems.length &&
    a.problems.every((p, i) => p === b.problems[i])
  );
}

/**
 * The settings a lesson is about, on the main screen: objective, distance, margin, miner and learning rate, and
 * every problem of the configuration (Train stays off until they are fixed, so they must be in sight).
 * `<section aria-label="Key settings">`; `locked` while training runs. Memoised: the page renders on every
 * training event, and this form changes only with the config, its problems or the lock.
 */
export const KeySettings = memo(function KeySettings(props: KeySettingsProps): JSX.Element {
  const { config: c, problems, locked, onChange } = props;
  const objective = (patch: Partial<Config['objective']>) => onChange(updateConfig(c, 'objective', patch));
  return (
    <section aria-label="Key settings" className="panel key-settings">
      <fieldset disabled={locked}>
        <Field label="Objective" help={HELP.loss[c.objective.loss]}>
          <Select value={c.objective.loss} options={LOSSES} onChange={(loss) => objective({ loss })} />
        </Field>
        <Field label="Distance" help={HELP.distance[c.objective.distance]}>
          <Select value={c.objective.distance} options={DISTANCES} onChange={(distance) => objective({ distance })} />
        </Field>
        <Field label="Margin">
          <NumberInput value={c.objective.margin} onChange={(margin) => objective({ margin })} />
        </Field>
        <Field label="Miner" help={HELP.miner[c.mining.miner]}>
          <Select
            value={c.mining.miner}
            options={MINERS}
            onChange={(miner) => onChange(updateConfig(c, 'mining', { miner }))}
          />
        </Field>
        <Field label="Learning rate">
          <NumberInput
            value={c.optimizer.learningRate}
            onChange={(learningRate) => onChange(updateConfig(c, 'optimizer', { learningRate }))}
          />
        </Field>
      </fieldset>
      {problems.length > 0 ? (
        <ul role="alert" aria-label="Configuration problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}, sameKeySettings);

/**
 * `<section aria-label="Model and training">`: the rest of the form (tower, sizes, batch, optimiser, seed, …);
 * `locked` while training runs (edits would need a new run).
 */
export function ModelPanel(props: {
  config: Config;
  locked: boolean;
  onChange(config: Config): void;
  onBackend(backend: Config['training']['backend']): void;
  onFormError(message: string | null): void;
}): JSX.Element {
  const { config: c, locked, onChange } = props;
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
  return (
    <section aria-label="Model and training" className="panel">
      <p className="help">Objective, distance, margin, miner and learning rate are on the main screen.</p>
      <fieldset disabled={locked}>
        <Field label="Tower">
          <Select value={c.model.tower} options={TOWERS} onChange={(tower) => model({ tower })} />
        </Field>
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
        {c.model.tower === 'mlp' ? (
          <>
            <Field label="Activation">
              <Select
                value={c.model.mlp.activation}
                options={ACTIVATIONS}
                onChange={(activation) => model({ mlp: { ...c.model.mlp, activation } })}
              />
            </Field>
            <Field label="Dropout" advanced>
              <NumberInput
                value={c.model.mlp.dropout}
                onChange={(dropout) => model({ mlp: { ...c.model.mlp, dropout } })}
              />
            </Field>
            <Field label="Batch normalisation" advanced>
              <input
                type="checkbox"
                checked={c.model.mlp.batchNorm}
                onChange={(e) => model({ mlp: { ...c.model.mlp, batchNorm: e.target.checked } })}
              />
            </Field>
          </>
        ) : null}
        {c.model.tower === 'cnn' ? (
          <>
            <Field label="Conv filters">
              <ListInput
                value={c.model.cnn.filters}
                onChange={(filters) => model({ cnn: { ...c.model.cnn, filters } })}
                onError={(message) => props.onFormError(message === null ? unitsError : `Conv filters: ${message}`)}
              />
            </Field>
            <Field label="Kernel size" advanced>
              <NumberInput
                value={c.model.cnn.kernelSize}
                step="1"
                onChange={(kernelSize) => model({ cnn: { ...c.model.cnn, kernelSize } })}
              />
            </Field>
            <Field label="Dense units" advanced>
              <NumberInput
                value={c.model.cnn.denseUnits}
                step="1"
                onChange={(denseUnits) => model({ cnn: { ...c.model.cnn, denseUnits } })}
              />
            </Field>
            <Field label="Activation">
              <Select
                value={c.model.cnn.activation}
                options={ACTIVATIONS}
                onChange={(activation) => model({ cnn: { ...c.model.cnn, activation } })}
              />
            </Field>
            <Field label="Dropout" advanced>
              <NumberInput
                value={c.model.cnn.dropout}
                onChange={(dropout) => model({ cnn: { ...c.model.cnn, dropout } })}
              />
            </Field>
            <Field label="Batch normalisation" advanced>
              <input
                type="checkbox"
                checked={c.model.cnn.batchNorm}
                onChange={(e) => model({ cnn: { ...c.model.cnn, batchNorm: e.target.checked } })}
              />
            </Field>
          </>
        ) : null}
        {c.model.tower === 'lstm' || c.model.tower === 'gru' ? (
          <>
            <Field label="Token embedding size" advanced>
              <NumberInput
                value={c.model.recurrent.tokenEmbeddingDim}
                step="1"
                onChange={(tokenEmbeddingDim) => model({ recurrent: { ...c.model.recurrent, tokenEmbeddingDim } })}
              />
            </Field>
            <Field label="Recurrent units">
              <NumberInput
                value={c.model.recurrent.units}
                step="1"
                onChange={(units) => model({ recurrent: { ...c.model.recurrent, units } })}
              />
            </Field>
          </>
        ) : null}
        <Field label="Embedding size">
          <NumberInput value={c.model.embeddingDim} step="1" onChange={(embeddingDim) => model({ embeddingDim })} />
        </Field>
        <Field label="L2-normalise embeddings">
          <input
            type="checkbox"
            checked={c.model.l2Normalize}
            onChange={(e) => model({ l2Normalize: e.target.checked })}
          />
        </Field>
        <Field label="Mining mode" advanced>
          <Select
            value={c.mining.mode}
            options={MINING_MODES}
            onChange={(mode) => onChange(updateConfig(c, 'mining', { mode }))}
          />
        </Field>
        <Field label="Batch composition" advanced>
          <Select value={c.batch.mode} options={BATCH_MODES} onChange={(mode) => batch({ mode })} />
        </Field>
        <Field label="Batch size" advanced>
          <NumberInput value={c.batch.size} step="1" onChange={(size) => batch({ size })} />
        </Field>
        <Field label="Classes per batch" advanced>
          <NumberInput
            value={c.batch.classesPerBatch}
            step="1"
            onChange={(classesPerBatch) => batch({ classesPerBatch })}
          />
        </Field>
        <Field label="Optimizer" advanced>
          <Select
            value={c.optimizer.name}
            options={OPTIMIZERS}
            onChange={(name) => onChange(updateConfig(c, 'optimizer', { name }))}
          />
        </Field>
        <Field label="Seed" advanced>
          <NumberInput value={c.seed} step="1" onChange={(seed) => onChange({ ...c, seed })} />
        </Field>
        <Field label="Split input">
          <input type="checkbox" checked={c.data.splitInput} onChange={(e) => data({ splitInput: e.target.checked })} />
        </Field>
        <Field label="Split ratio" advanced>
          <NumberInput value={c.data.splitRatio} onChange={(splitRatio) => data({ splitRatio })} />
        </Field>
        <Field label="Temperature" advanced>
          <NumberInput value={c.objective.temperature} onChange={(temperature) => objective({ temperature })} />
        </Field>
        <Field label="Soft margin" advanced>
          <input
            type="checkbox"
            checked={c.objective.softMargin}
            onChange={(e) => objective({ softMargin: e.target.checked })}
          />
        </Field>
        <Field
          label="Reduction"
          advanced
          help="Triplet loss: average over every mined triplet, or only over those that still violate the margin."
        >
          <Select
            value={c.objective.reduction}
            options={REDUCTIONS}
            onChange={(reduction) => objective({ reduction })}
          />
        </Field>
        {c.objective.loss === 'binary' ? (
          <Field label="Head input">
            <Select
              value={c.objective.headCombine}
              options={HEAD_COMBINES}
              onChange={(headCombine) => objective({ headCombine })}
            />
          </Field>
        ) : null}
        {c.objective.distance === 'mahalanobis' ? (
          <Field label="Mahalanobis regularisation" advanced>
            <NumberInput
              value={c.objective.mahalanobisRegularization}
              onChange={(mahalanobisRegularization) => objective({ mahalanobisRegularization })}
            />
          </Field>
        ) : null}
        <Field label="Evaluate every (steps)" advanced>
          <NumberInput
            value={c.training.evalEvery}
            step="1"
            onChange={(evalEvery) => onChange(updateConfig(c, 'training', { evalEvery }))}
          />
        </Field>
      </fieldset>
      <Field label="Backend" advanced>
        <Select value={c.training.backend} options={BACKENDS} onChange={(backend) => props.onBackend(backend)} />
      </Field>
    </section>
  );
}
