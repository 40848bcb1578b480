/**
 * The rule table: what each loss and miner can do, and what validate() may know about a dataset. Every part of the
 * app (config validation, trainer, miners, worker, page) asks these instead of restating a list of names.
 */
import type { Dataset, Modality } from './data/dataset';
import { type DataConfig, type LossName, type MinerName, type ObjectiveConfig, unseenClassCount } from './options';

/** Losses that score pairs (a, b) rather than triplets or whole batches. */
export const PAIR_LOSSES: readonly LossName[] = ['contrastive', 'binary', 'cosine-regression'];
/** Losses with a learned head on top of the twin embeddings instead of a distance. */
export const HEAD_LOSSES: readonly LossName[] = ['binary', 'cosine-regression'];
/** Losses with a margin m (a hinge at m, and a margin line on the distance histograms). */
export const MARGIN_LOSSES: readonly LossName[] = ['contrastive', 'triplet'];

/** Whether `loss` has a margin parameter. */
export function hasMargin(loss: LossName): boolean {
  return MARGIN_LOSSES.includes(loss);
}

/** The margin a run's loss applies, or null when it applies none (no margin loss, or the soft-margin triplet). */
export function marginOf(objective: Pick<ObjectiveConfig, 'loss' | 'margin' | 'softMargin'>): number | null {
  if (!hasMargin(objective.loss)) return null;
  return objective.loss === 'triplet' && objective.softMargin ? null : objective.margin;
}

/** The miners that take a category of δ = d(a,n) − d(a,p) over every valid triplet (not one triplet per anchor). */
export const DENSE_MINERS = ['all', 'hard', 'semi-hard', 'easy'] as const satisfies readonly MinerName[];
export type DenseMiner = (typeof DENSE_MINERS)[number];

export function isDenseMiner(miner: MinerName): miner is DenseMiner {
  return (DENSE_MINERS as readonly MinerName[]).includes(miner);
}

/** What validate() may know about the data, so it can reject combinations that cannot work on it. */
export interface DatasetTraits {
  kind: 'labelled' | 'pairs';
  modality: Modality;
  numClasses?: number;
  featureShape?: number[];
  targetKind?: 'binary' | 'score';
}

/**
 * What is known of data that is not at hand: a built-in's registry entry before it loads, an export's description.
 * Fields that do not apply to the kind are ignored (classes of a pair file, the target kind of labelled data).
 */
export interface DataDescription {
  kind: 'labelled' | 'pairs';
  modality: Modality;
  numClasses?: number;
  featureShape?: readonly number[];
  targetKind?: 'binary' | 'score';
}

/** The traits of described data: the one rule that turns what is known of data into what validate() may know. */
export function traitsOfDescription(d: DataDescription): DatasetTraits {
  const shape = d.featureShape ? { featureShape: [...d.featureShape] } : {};
  if (d.kind === 'pairs') return { kind: 'pairs', modality: d.modality, ...shape, targetKind: d.targetKind };
  return { kind: 'labelled', modality: d.modality, numClasses: d.numClasses, ...shape };
}

/** The traits of a loaded dataset: the one place they are read off a Dataset. */
export function traitsOf(dataset: Dataset): DatasetTraits {
  const { kind, modality, featureShape } = dataset;
  if (dataset.kind === 'pairs')
    return traitsOfDescription({ kind, modality, featureShape, targetKind: dataset.targetKind });
  return traitsOfDescription({ kind, modality, featureShape, numClasses: dataset.classNames.length });
}

/** The protocol that ranks held-out queries against the training set (pytorch-metric-learning's get_accuracy). */
export const QUERY_AGAINST_TRAINING = 'held-out queries against the training set as the reference';

/**
 * Why held-out queries cannot be ranked against the training set as the reference, in words, or null when they can.
 * A query needs a class to look for among the training samples: pair files have none, a split-input run's items are
 * a sample's halves (the one match of a half is the other half, not a class), and under the unseen-class protocol no
 * held-out class has a single training sample.
 */
export function againstTrainingUnavailable(
  data: Pick<DataConfig, 'splitInput' | 'unseenClasses' | 'unseenCount'>,
  kind: DatasetTraits['kind'],
): string | null {
  if (kind === 'pairs') return 'a pair file has no classes to look up in the training set';
  if (data.splitInput) return 'a split-input run matches the halves of one sample, not classes';
  if (unseenClassCount(data) > 0) return 'under the unseen-class protocol no held-out class has a training sample';
  return null;
}
