/**
 * A twin network's weights as data and back: what checkpoints, model files and experiment files carry. The tower's
 * weights go in its own order, batch-norm statistics included (a trainable-only copy would lose them).
 */
import * as tf from '@tensorflow/tfjs';
import { checkWeightShapes, type ModelWeights, type NamedWeight } from '../export/weights';
import type { TwinNetwork } from '../model/twin';
import { valuesView } from '../tensorValues';

const headWeightName = (i: number) => `head/${i === 0 ? 'kernel' : 'bias'}`;

/** Every weight of the network, named, as copies (safe to transfer). */
export function exportNetworkWeights(net: TwinNetwork): ModelWeights {
  const tower = net.tower.weights.map((w) => ({
    name: w.name,
    shape: [...w.shape] as number[],
    values: valuesView(w.read()).slice(),
  }));
  const head = (net.head?.variables ?? []).map((v, i) => ({
    name: headWeightName(i),
    shape: [...v.shape],
    values: valuesView(v).slice(),
  }));
  return { tower, head };
}

/**
 * Writes weights from exportNetworkWeights (or a loaded tower: `head` omitted keeps this head) into the network.
 * Every count and shape is checked before the first write, so weights of another model change nothing; `source`
 * names them in the error.
 */
export function importNetworkWeights(
  net: TwinNetwork,
  weights: { tower: NamedWeight[]; head?: NamedWeight[] },
  source: string,
): void {
  const towerWeights = net.tower.weights;
  const spec = (w: { name: string; shape: readonly (number | null)[] }) => ({
    name: w.name,
    shape: w.shape.map((d) => d ?? -1),
  });
  checkWeightShapes(towerWeights.map(spec), weights.tower.map(spec), source, 'tower');
  const headVariables = net.head?.variables ?? [];
  const head = weights.head;
  if (head)
    checkWeightShapes(
      headVariables.map((v, i) => ({ name: headWeightName(i), shape: v.shape })),
      head.map(spec),
      source,
      'head',
    );
  tf.tidy(() => {
    towerWeights.forEach((w, i) => {
      w.write(tf.tensor(weights.tower[i].values, weights.tower[i].shape));
    });
    head?.forEach((w, i) => {
      headVariables[i].assign(tf.tensor(w.values, w.shape));
    });
  });
}
