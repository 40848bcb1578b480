/**
 * The unseen-class protocol of metric learning (train on some classes, measure on the others; Musgrave et al.
 * 2020): which classes are held out, and how a labelled dataset splits under it. Pure functions without tfjs, so
 * the page names the same classes as the run.
 */
import type { BatchConfig, DataConfig } from '../options';
import { Rng } from '../rng';
import { subsetLabelled, type LabelledDataset } from './dataset';
import { trainTestSplit } from './split';

/** Which protocol a run's held-out metrics follow. */
export type EvaluationProtocol =
  | { kind: 'seen-classes' }
  | { kind: 'unseen-classes'; classes: number[]; classNames: string[] };

/** Salt of the seeded choice of unseen classes, so it does not move when other seeded draws change. */
const CHOICE_SALT = 0x0c1a55e5;

/**
 * The held-out class ids, ascending: the configured list, or a seeded choice of `unseenCount` of the `numClasses`
 * (the same seed always picks the same classes); null when the protocol is off.
 */
export function resolveUnseenClasses(
  data: Pick<DataConfig, 'unseenClasses' | 'unseenCount'>,
  numClasses: number,
  seed: number,
): number[] | null {
  if (data.unseenClasses.length > 0) return [...data.unseenClasses].sort((a, b) => a - b);
  if (data.unseenCount <= 0) return null;
  if (data.unseenCount > numClasses - 2)
    throw new Error(
      `holding out ${data.unseenCount} of ${numClasses} classes leaves fewer than 2 to train on; hold out at most ${numClasses - 2}`,
    );
  const rng = new Rng((seed ^ CHOICE_SALT) >>> 0);
  return rng.sampleWithoutReplacement(numClasses, data.unseenCount).sort((a, b) => a - b);
}

/** The protocol a config follows on a dataset with these class names. */
export function protocolOf(
  data: Pick<DataConfig, 'unseenClasses' | 'unseenCount'>,
  classNames: readonly string[],
  seed: number,
): EvaluationProtocol {
  const classes = resolveUnseenClasses(data, classNames.length, seed);
  if (!classes) return { kind: 'seen-classes' };
  return { kind: 'unseen-classes', classes, classNames: classes.map((c) => classNames[c] ?? String(c)) };
}

/**
 * The three parts of a labelled dataset under the unseen-class protocol, from the usual train / test split
 * (stratified, or the dataset's own fixed one): `train` = training samples of the seen classes; `seenTest` = held-out
 * samples of the seen classes (where the verification threshold is chosen); `test` = held-out samples of the unseen
 * classes (what every metric is about). Training samples of unseen classes are dropped: nothing of them is ever
 * trained on. Labels keep their class ids.
 */
export function unseenClassSplit(
  ds: LabelledDataset,
  unseen: readonly number[],
  validationFraction: number,
  rng: Rng,
): { train: LabelledDataset; seenTest: LabelledDataset; test: LabelledDataset } {
  const { train, test } = trainTestSplit(ds, validationFraction, rng);
  const isUnseen = new Uint8Array(ds.classNames.length);
  for (const c of unseen) isUnseen[c] = 1;
  const pick = (part: LabelledDataset, wantUnseen: boolean): number[] => {
    const out: number[] = [];
    for (let i = 0; i < part.numSamples; i++) if ((isUnseen[part.labels[i]] === 1) === wantUnseen) out.push(i);
    return out;
  };
  const trainSeen = pick(train, false);
  const testUnseen = pick(test, true);
  const testSeen = pick(test, false);
  const names = unseen.map((c) => ds.classNames[c]).join(', ');
  if (testUnseen.length < 2)
    throw new Error(
      `the held-out part of "${ds.name}" has ${testUnseen.length} sample(s) of the unseen classes (${names}); at least 2 are needed to measure them`,
    );
  if (testSeen.length < 2)
    throw new Error(
      `the held-out part of "${ds.name}" has ${testSeen.length} sample(s) of the seen classes, too few to choose a verification threshold on`,
    );
  if (trainSeen.length === 0) throw new Error(`"${ds.name}" has no training samples outside the unseen classes`);
  return {
    train: subsetLabelled(train, trainSeen),
    seenTest: subsetLabelled(test, testSeen),
    test: subsetLabelled(test, testUnseen),
  };
}

/**
 * A P×K batch that fits the classes left to train on: the largest P ≤ `trainingClasses` that divides the batch size
 * with K ≥ 2, or null when the batch already fits (or no P does). Returned with the sentence that says what changed.
 */
export function fitPkBatch(
  batch: Pick<BatchConfig, 'mode' | 'size' | 'classesPerBatch'>,
  trainingClasses: number,
): { classesPerBatch: number; note: string } | null {
  if (batch.mode !== 'pk' || batch.classesPerBatch <= trainingClasses) return null;
  for (let p = Math.min(trainingClasses, batch.classesPerBatch); p >= 2; p--) {
    if (batch.size % p === 0 && batch.size / p >= 2)
      return {
        classesPerBatch: p,
        note: `only ${trainingClasses} classes are left to train on, so a P×K batch of ${batch.size} takes ${p} classes × ${batch.size / p} samples (was ${batch.classesPerBatch} × ${batch.size / batch.classesPerBatch})`,
      };
  }
  return null;
}
