import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import { Rng } from '../../../src/core/rng';
import { buildBinaryHead, buildCosineHead } from '../../../src/core/model/heads';
import { buildTower } from '../../../src/core/model/towers';
import { TwinNetwork } from '../../../src/core/model/twin';
import { makeOptimizer } from '../../../src/core/model/optimizers';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

function rows(n: number, dim: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal(0, 2)));
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('binary head', () => {
  for (const combine of ['abs-diff', 'concat'] as const) {
    it(`${combine}: sigmoid(w·features + b) per pair, strictly inside (0, 1)`, () => {
      const dim = 4;
      const head = buildBinaryHead(dim, combine, 3);
      expect(head.kind).toBe('binary');
      const [kernel, bias] = head.variables;
      expect(kernel.shape).toEqual([combine === 'concat' ? 2 * dim : dim, 1]);
      // Give the bias a non-zero value so that the reference checks it is added.
      bias.assign(tf.tensor1d([0.3]));
      const a = rows(6, dim, 1);
      const b = rows(6, dim, 2);
      const ta = tf.tensor2d(a);
      const tb = tf.tensor2d(b);
      const p = head.apply(ta, tb);
      expect(p.shape).toEqual([6]);
      const w = Array.from(kernel.dataSync());
      const reference = a.map((ra, i) => {
        const features = combine === 'abs-diff' ? ra.map((v, j) => Math.abs(v - b[i][j])) : [...ra, ...b[i]];
        return sigmoid(features.reduce((s, f, j) => s + f * w[j], 0.3));
      });
      const values = p.dataSync();
      expectAllClose(values, reference, 1e-5);
      for (const v of values) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(1);
      }
      tf.dispose([ta, tb, p]);
      head.dispose();
    });
  }

  it('abs-diff is symmetric in the pair; the same seed gives the same kernel', () => {
    const head = buildBinaryHead(3, 'abs-diff', 9);
    const twin = buildBinaryHead(3, 'abs-diff', 9);
    const other = buildBinaryHead(3, 'abs-diff', 10);
    expect(Array.from(twin.variables[0].dataSync())).toEqual(Array.from(head.variables[0].dataSync()));
    expect(Array.from(other.variables[0].dataSync())).not.toEqual(Array.from(head.variables[0].dataSync()));
    const [a, b] = [tf.tensor2d(rows(4, 3, 1)), tf.tensor2d(rows(4, 3, 2))];
    const ab = head.apply(a, b);
    const ba = head.apply(b, a);
    expect(Array.from(ba.dataSync())).toEqual(Array.from(ab.dataSync()));
    tf.dispose([a, b, ab, ba]);
    for (const h of [head, twin, other]) h.dispose();
  });

  it('rejects embeddings of different shapes and unknown combinations', () => {
    const head = buildBinaryHead(3, 'abs-diff', 1);
    const [a, b] = [tf.zeros([2, 3]), tf.zeros([3, 3])];
    expect(() => head.apply(a as tf.Tensor2D, b as tf.Tensor2D)).toThrow(/same shape/);
    expect(() => buildBinaryHead(3, 'product' as 'concat', 1)).toThrow(
      /unknown head combination "product"; known: abs-diff, concat/,
    );
    tf.dispose([a, b]);
    head.dispose();
  });
});

describe('cosine head', () => {
  it('starts as the plain cosine similarity and applies the learned scale and bias', () => {
    const head = buildCosineHead(1);
    expect(head.kind).toBe('cosine-regression');
    const a = rows(5, 3, 3);
    const b = rows(5, 3, 4);
    b[4] = [0, 0, 0]; // a zero embedding: the floored norm gives cos = 0, not NaN
    const cos = a.map((ra, i) => {
      const dot = ra.reduce((s, v, j) => s + v * b[i][j], 0);
      const norm = (r: number[]) =>
        Math.sqrt(
          Math.max(
            r.reduce((s, v) => s + v * v, 0),
            1e-12,
          ),
        );
      return dot / (norm(ra) * norm(b[i]));
    });
    const [ta, tb] = [tf.tensor2d(a), tf.tensor2d(b)];
    const start = head.apply(ta, tb);
    expect(start.shape).toEqual([5]);
    expectAllClose(start.dataSync(), cos, 1e-5);
    head.variables[0].assign(tf.tensor2d([[2.5]]));
    head.variables[1].assign(tf.tensor1d([-0.4]));
    const scaled = head.apply(ta, tb);
    expectAllClose(
      scaled.dataSync(),
      cos.map((c) => 2.5 * c - 0.4),
      1e-5,
    );
    tf.dispose([ta, tb, start, scaled]);
    head.dispose();
  });
});

describe('heads in the twin network', () => {
  const model = makeConfig({
    model: {
      tower: 'mlp',
      embeddingDim: 4,
      l2Normalize: true,
      mlp: { hiddenUnits: [8], activation: 'tanh', dropout: 0, batchNorm: false },
    },
  }).model;

  for (const kind of ['binary', 'cosine-regression'] as const) {
    it(`${kind}: gradients reach every tower and head variable; no leaks`, async () => {
      const head = kind === 'binary' ? buildBinaryHead(4, 'abs-diff', 2) : buildCosineHead(2);
      const net = new TwinNetwork(buildTower(model, { featureShape: [3], modality: 'tabular' }, 1), head);
      const [a, b] = [tf.tensor2d(rows(6, 3, 5)), tf.tensor2d(rows(6, 3, 6))];
      const target = tf.tensor1d([1, 0, 1, 0, 1, 0]);
      const loss = () => {
        const [ea, eb] = net.embedPair(a, b, true);
        return tf.mean(tf.square(tf.sub(net.head!.apply(ea, eb), target))) as tf.Scalar;
      };
      const variables = net.trainableVariables();
      const { value, grads } = tf.variableGrads(loss, variables);
      expect(Object.keys(grads).length).toBe(variables.length);
      for (const v of variables) expect(grads[v.name].dataSync().some((g) => g !== 0 && Number.isFinite(g))).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
      await expectNoLeakedTensors(() => {
        const [ea, eb] = net.embedPair(a, b, false);
        tf.dispose([ea, eb, net.head!.apply(ea, eb)]);
      });
      tf.dispose([a, b, target]);
      net.dispose();
    });
  }

  it('learns a toy verification problem: the binary head lowers the cross-entropy', () => {
    // Points of two well-separated 2-D clusters; a pair is similar when both come from the same cluster.
    const rng = new Rng(4);
    const point = (cluster: number) => [cluster * 3 + rng.normal(0, 0.5), -cluster * 3 + rng.normal(0, 0.5)];
    const a: number[][] = [];
    const b: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 64; i++) {
      const ca = rng.int(2);
      const same = i % 2 === 0;
      a.push(point(ca));
      b.push(point(same ? ca : 1 - ca));
      y.push(same ? 1 : 0);
    }
    const config = makeConfig({
      model: {
        tower: 'mlp',
        embeddingDim: 4,
        l2Normalize: false,
        mlp: { hiddenUnits: [16], activation: 'tanh', dropout: 0, batchNorm: false },
      },
    }).model;
    const net = new TwinNetwork(
      buildTower(config, { featureShape: [2], modality: 'points2d' }, 3),
      buildBinaryHead(4, 'abs-diff', 3),
    );
    const optimizer = makeOptimizer({ name: 'adam', learningRate: 0.05 });
    const [ta, tb, ty] = [tf.tensor2d(a), tf.tensor2d(b), tf.tensor1d(y)];
    const bce = () =>
      tf.tidy(() => {
        const [ea, eb] = net.embedPair(ta, tb, true);
        const p = tf.clipByValue(net.head!.apply(ea, eb), 1e-7, 1 - 1e-7);
        return tf.neg(tf.mean(tf.add(tf.mul(ty, tf.log(p)), tf.mul(tf.sub(1, ty), tf.log(tf.sub(1, p)))))) as tf.Scalar;
      });
    const initial = tf.tidy(() => bce().dataSync()[0]);
    let last = initial;
    for (let step = 0; step < 60; step++) {
      const cost = optimizer.minimize(bce, true, net.trainableVariables())!;
      last = cost.dataSync()[0];
      cost.dispose();
    }
    // From near chance (ln 2 ≈ 0.69 for an uninformed head) to almost separated.
    expect(initial).toBeGreaterThan(0.3);
    expect(last).toBeLessThan(0.1 * initial);
    tf.dispose([ta, tb, ty]);
    optimizer.dispose();
    net.dispose();
  });
});
