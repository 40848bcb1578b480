/**
 * Slow motion: what the miner decided about each triplet of a batch, in numbers and in words. Pure JS over
 * already-computed distances (no tensors), so the worker can attach it to snapshots and the UI can import it.
 *
 * Conventions are the miner's own (mining/js.ts `classifyTriplet`; docs/ARCHITECTURE.md, Definitions): with
 * δ = d(a,n) − d(a,p), computed in float32 as the tensor path does, hard δ ≤ 0, semi-hard 0 < δ ≤ m, easy δ > m.
 */
import type { DistanceName, LossName, MinerName } from '../config';
import { classifyTriplet, type MinedTriplet, type TripletCategory } from '../mining/js';

/** The rules a batch was mined and scored with (copied from the run's configuration). */
export interface TripletRules {
  loss: LossName;
  miner: MinerName;
  distance: DistanceName;
  /** Margin m of the loss and of the mining categories. */
  margin: number;
  /** Triplet loss only: softplus(d(a,p) − d(a,n)) instead of the hinge. */
  softMargin: boolean;
}

/** One triplet as the inspector lists it. Positions are rows (anchor) and columns (positive, negative) of the batch. */
export interface InspectedTriplet {
  anchor: number;
  positive: number;
  negative: number;
  dAP: number;
  dAN: number;
  margin: number;
  /** δ = d(a,n) − d(a,p) in float32, as the miner computes it. */
  delta: number;
  category: TripletCategory;
  /** This triplet's own loss under the run's triplet loss; null when the run trains another loss. */
  loss: number | null;
  /** The miner's decision in one sentence. */
  decision: string;
}

/** δ = d(a,n) − d(a,p), rounded to float32 exactly as the miners do. */
export function tripletDelta(dAP: number, dAN: number): number {
  return Math.fround(dAN - dAP);
}

/** The category by the definitions (the miner's exact float32 convention); see {@link classifyTriplet}. */
export function tripletCategory(dAP: number, dAN: number, margin: number): TripletCategory {
  return classifyTriplet(dAP, dAN, margin);
}

/**
 * One triplet's loss as the run's loss computes it: hinge max(d(a,p) − d(a,n) + m, 0), or with a soft margin
 * log(1 + exp(d(a,p) − d(a,n))). Null for runs that do not train with the triplet loss (the triplets are then only
 * an illustration of the batch's geometry).
 */
export function tripletLossOf(
  dAP: number,
  dAN: number,
  rules: Pick<TripletRules, 'loss' | 'margin' | 'softMargin'>,
): number | null {
  if (rules.loss !== 'triplet') return null;
  const gap = dAP - dAN;
  if (rules.softMargin) return gap > 30 ? gap : Math.log1p(Math.exp(gap));
  return Math.max(gap + rules.margin, 0);
}

/** Short numbers for sentences (4 significant digits). */
function num(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

/**
 * The decision about one triplet in words, e.g. "semi-hard: the negative is farther than the positive but inside
 * the margin (d(a,n) − d(a,p) = 0.08 ≤ m = 0.2)".
 */
export function decisionSentence(category: TripletCategory, dAP: number, dAN: number, margin: number): string {
  const delta = tripletDelta(dAP, dAN);
  switch (category) {
    case 'hard':
      return `hard: the negative is no farther from the anchor than the positive (d(a,n) = ${num(dAN)} ≤ d(a,p) = ${num(dAP)}), so the anchor sits closer to another class`;
    case 'semi-hard':
      return `semi-hard: the negative is farther than the positive but inside the margin (d(a,n) − d(a,p) = ${num(delta)} ≤ m = ${num(margin)})`;
    case 'easy':
      return `easy: the negative is beyond the margin (d(a,n) − d(a,p) = ${num(delta)} > m = ${num(margin)}), so the hinge loss is 0 and the triplet teaches nothing`;
  }
}

/** What each miner keeps, in one sentence (the inspector's header). */
export function minerRule(miner: MinerName): string {
  switch (miner) {
    case 'all':
      return 'The "all" miner keeps every triplet that still violates the margin (hard and semi-hard: d(a,n) − d(a,p) ≤ m).';
    case 'hard':
      return 'The hard miner keeps only triplets whose negative is no farther than the positive (d(a,n) − d(a,p) ≤ 0).';
    case 'semi-hard':
      return 'The semi-hard miner keeps triplets whose negative is farther than the positive but inside the margin (0 < d(a,n) − d(a,p) ≤ m).';
    case 'easy':
      return 'The easy miner keeps only triplets already beyond the margin (d(a,n) − d(a,p) > m), to show that they teach nothing.';
    case 'batch-hard':
      return 'The batch-hard miner keeps, for each anchor, its farthest positive and its nearest negative in the batch, whatever their category.';
    case 'random':
      return 'The random miner keeps one random positive and one random negative per anchor, whatever their category.';
  }
}

/**
 * The inspector's rows for a batch's mined triplets: category recomputed from the listed distances by the miner's
 * definition, the triplet's loss under the run's rules, and the decision in words. The triplets keep their order.
 */
export function inspectTriplets(
  triplets: readonly Pick<MinedTriplet, 'anchor' | 'positive' | 'negative' | 'dAP' | 'dAN'>[],
  rules: TripletRules,
): InspectedTriplet[] {
  return triplets.map((t) => {
    const category = tripletCategory(t.dAP, t.dAN, rules.margin);
    return {
      anchor: t.anchor,
      positive: t.positive,
      negative: t.negative,
      dAP: t.dAP,
      dAN: t.dAN,
      margin: rules.margin,
      delta: tripletDelta(t.dAP, t.dAN),
      category,
      loss: tripletLossOf(t.dAP, t.dAN, rules),
      decision: decisionSentence(category, t.dAP, t.dAN, rules.margin),
    };
  });
}

/** Whether `category` is one the miner may return (batch-hard and random take any). */
export function minerAllows(miner: MinerName, category: TripletCategory): boolean {
  switch (miner) {
    case 'all':
      return category !== 'easy';
    case 'hard':
      return category === 'hard';
    case 'semi-hard':
      return category === 'semi-hard';
    case 'easy':
      return category === 'easy';
    case 'batch-hard':
    case 'random':
      return true;
  }
}
