/**
 * Whether a run's held-out distances have shrunk to a sliver of the margin or of the embedding's scale, read off one
 * evaluation under the run's configuration.
 */
import { marginOf } from '../capabilities';
import type { Config } from '../config';
import { type ScaleCollapseCheck, type ScaleCollapseReference, scaleCollapseCheck } from './embedding';
import type { Metrics } from './evaluate';

/**
 * The scale-collapse check of one evaluation under the run's configuration: the margin counts for the hinge losses
 * (contrastive, triplet without soft margin), the scale for bounded embeddings (cosine distance; Euclidean and squared
 * Euclidean on the unit sphere; otherwise twice the mean norm for the Euclidean distance). Null at step 0: an untrained
 * network's scale says nothing about training.
 */
export function scaleCollapseOf(metrics: Metrics, config: Config, step: number): ScaleCollapseCheck | null {
  if (step <= 0) return null;
  return scaleCollapseCheck(metrics.positiveDistances, metrics.negativeDistances, scaleReference(config, metrics));
}

function scaleReference(config: Config, metrics: Metrics): ScaleCollapseReference {
  const o = config.objective;
  const normalized = config.model.l2Normalize;
  const margin = marginOf(o);
  const base = { margin, l2Normalized: normalized };
  if (o.distance === 'cosine') return { ...base, scale: 2, scaleName: 'the largest cosine distance' };
  if (o.distance === 'euclidean')
    return normalized
      ? { ...base, scale: 2, scaleName: "the unit sphere's diameter" }
      : { ...base, scale: 2 * metrics.norms.mean, scaleName: 'twice the mean embedding norm' };
  if (o.distance === 'squared-euclidean' && normalized)
    return { ...base, scale: 4, scaleName: "the unit sphere's squared diameter" };
  return { ...base, scale: null };
}
