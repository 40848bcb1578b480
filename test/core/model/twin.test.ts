import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig } from '../../../src/core/config';
import { Rng } from '../../../src/core/rng';
import { buildTower, type TowerInput } from '../../../src/core/model/towers';
import { buildBinaryHead } from '../../../src/core/model/heads';
import { TwinNetwork } from '../../../src/core/model/twin';
import { makeOptimizer } from '../../../src/core/model/optimizers';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

const INPUT: TowerInput = { featureShape: [5], modality: 'tabular' };

function modelConfig(overrides: Partial<ModelConfig['mlp']> = {}): ModelConfig {
  return makeConfig({
    model: {
      tower: 'mlp',
      embeddingDim: 3,
      l2Normalize: false,
      mlp: { hiddenUnits: [8], activation: 'tanh', dropout: 0, batchNorm: false, ...overrides },
    },
  }).model;
}

function gaussian(rows: number, seed: number, cols = 5): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
    [rows, cols],
  );
}

/** A contrastive-style pair loss: pulls pair 0 together, pushes pair 1 apart (enough to move every weight). */
function pairLoss(net: TwinNetwork, a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  const [ea, eb] = net.embedPair(a, b, true);
  const d2 = tf.sum(tf.square(tf.sub(ea, eb)), 1);
  const y = tf.tensor1d([1, 0, 1, 0]);
  return tf.mean(
    tf.add(tf.mul(y, d2), tf.mul(tf.sub(1, y), tf.square(tf.relu(tf.sub(1, tf.sqrt(tf.add(d2, 1e-9))))))),
  ) as tf.Scalar;
}

function hasNonZero(t: tf.Tensor): boolean {
  return t.dataSync().some((v) => v !== 0);
}

describe('TwinNetwork shares one tower between its branches', () => {
  it('exposes exactly the tower variables (+ head), the very objects the tower reads', () => {
    const tower = buildTower(modelConfig(), INPUT, 1);
    const head = buildBinaryHead(3, 'abs-diff', 2);
    const net = new TwinNetwork(tower, head);
    const variables = net.trainableVariables();
    // MLP [8] → 3: two Dense layers × (kernel, bias) = 4 tower variables, + kernel and bias of the head.
    expect(variables.length).toBe(4 + 2);
    expect(new Set(variables.map((v) => v.id)).size).toBe(variables.length);
    tower.trainableWeights.forEach((w, i) => expect(variables[i]).toBe(w.read()));
    expect(variables.slice(4)).toEqual(head.variables);
    net.dispose();
  });

  it('a loss on branch b alone has non-zero gradients on the same variables that branch a uses', () => {
    const net = new TwinNetwork(buildTower(modelConfig(), INPUT, 3));
    const a = gaussian(4, 1);
    const b = gaussian(4, 2);
    const variables = net.trainableVariables();
    const fromB = tf.variableGrads(() => tf.sum(tf.square(net.embedPair(a, b, true)[1])), variables);
    const fromA = tf.variableGrads(() => tf.sum(tf.square(net.embedPair(a, b, true)[0])), variables);
    const names = variables.map((v) => v.name);
    expect(Object.keys(fromB.grads).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(hasNonZero(fromB.grads[name])).toBe(true);
      expect(hasNonZero(fromA.grads[name])).toBe(true);
    }
    // And branch b's gradient is exactly that of embedding b alone through the tower (plain reference).
    const alone = tf.variableGrads(() => tf.sum(tf.square(net.embed(b, true))), variables);
    for (const name of names) expectAllClose(fromB.grads[name].dataSync(), alone.grads[name].dataSync(), 1e-5);
    tf.dispose([
      a,
      b,
      fromA.value,
      fromB.value,
      alone.value,
      ...Object.values(fromA.grads),
      ...Object.values(fromB.grads),
      ...Object.values(alone.grads),
    ]);
    net.dispose();
  });

  it('after an optimiser step on a pair loss, both branches still embed an input identically', () => {
    const net = new TwinNetwork(buildTower(modelConfig({ batchNorm: true }), INPUT, 5));
    const optimizer = makeOptimizer({ name: 'adam', learningRate: 0.05 });
    const a = gaussian(4, 3);
    const b = gaussian(4, 4);
    const x = gaussian(6, 5);
    const before = net.embed(x, false);
    optimizer.minimize(() => pairLoss(net, a, b), false, net.trainableVariables());
    const [viaA, viaB] = net.embedPair(x, x, false);
    const alone = net.embed(x, false);
    expect(Array.from(viaB.dataSync())).toEqual(Array.from(viaA.dataSync()));
    expectAllClose(alone.dataSync(), viaA.dataSync(), 1e-6);
    const [t1, t2, t3] = net.embedTriplet(x, x, x, false);
    expect(Array.from(t3.dataSync())).toEqual(Array.from(t1.dataSync()));
    expect(Array.from(t2.dataSync())).toEqual(Array.from(t1.dataSync()));
    // The step did change the tower (so the equality above is not that of an untouched network).
    expect(Array.from(alone.dataSync())).not.toEqual(Array.from(before.dataSync()));
    tf.dispose([a, b, x, before, viaA, viaB, alone, t1, t2, t3]);
    optimizer.dispose();
    net.dispose();
  });

  it('embedPair splits back into the branch sizes, also when they differ', () => {
    const net = new TwinNetwork(buildTower(modelConfig(), INPUT, 6));
    const a = gaussian(2, 1);
    const b = gaussian(5, 2);
    const [ea, eb] = net.embedPair(a, b, false);
    expect(ea.shape).toEqual([2, 3]);
    expect(eb.shape).toEqual([5, 3]);
    const ebAlone = net.embed(b, false);
    expectAllClose(eb.dataSync(), ebAlone.dataSync(), 1e-6);
    expect(() => net.embedPair(a, gaussian(2, 3, 4), false)).toThrow(/one shape/);
    tf.dispose([a, b, ea, eb, ebAlone]);
    net.dispose();
  });
});

describe('extractTower and embedAll', () => {
  it('extracts a copy with identical embeddings that later training does not change', async () => {
    const net = new TwinNetwork(buildTower(modelConfig({ dropout: 0.3 }), INPUT, 7));
    const x = gaussian(10, 9);
    const extracted = await net.extractTower();
    const original = net.embed(x, false);
    const copy = extracted.predict(x) as tf.Tensor;
    expectAllClose(copy.dataSync(), original.dataSync(), 1e-6);
    const optimizer = makeOptimizer({ name: 'sgd', learningRate: 0.5 });
    const [a, b] = [gaussian(4, 1), gaussian(4, 2)];
    for (let i = 0; i < 3; i++) optimizer.minimize(() => pairLoss(net, a, b), false, net.trainableVariables());
    const trained = net.embed(x, false);
    const copyAfter = extracted.predict(x) as tf.Tensor;
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(original.dataSync()));
    expect(Array.from(copyAfter.dataSync())).toEqual(Array.from(copy.dataSync()));
    // Disposing the copy leaves the twin usable (nothing shared).
    extracted.dispose();
    const stillWorks = net.embed(x, false);
    expectAllClose(stillWorks.dataSync(), trained.dataSync(), 1e-6);
    tf.dispose([x, original, copy, a, b, trained, copyAfter, stillWorks]);
    optimizer.dispose();
    net.dispose();
  });

  it('embedAll in chunks equals one embed call, whatever the chunk size', () => {
    const net = new TwinNetwork(buildTower(modelConfig({ batchNorm: true }), INPUT, 8));
    const x = gaussian(23, 4);
    const whole = net.embed(x, false);
    for (const chunk of [1, 5, 23, 100]) {
      const chunked = net.embedAll(x, chunk);
      expect(chunked.shape).toEqual([23, 3]);
      expectAllClose(chunked.dataSync(), whole.dataSync(), 1e-6);
      chunked.dispose();
    }
    const empty = net.embedAll(tf.zeros([0, 5]));
    expect(empty.shape).toEqual([0, 3]);
    tf.dispose([x, whole, empty]);
    net.dispose();
  });
});

describe('tensor hygiene', () => {
  it('embed, embedPair, embedTriplet, embedAll and a minimize step leak no tensors', async () => {
    const net = new TwinNetwork(
      buildTower(modelConfig({ batchNorm: true, dropout: 0.2 }), INPUT, 9),
      buildBinaryHead(3, 'concat', 1),
    );
    const optimizer = makeOptimizer({ name: 'adam', learningRate: 0.01 });
    const a = gaussian(4, 1);
    const b = gaussian(4, 2);
    const x = gaussian(11, 3);
    await expectNoLeakedTensors(() => net.embed(x, true).dispose());
    await expectNoLeakedTensors(() => tf.dispose(net.embedPair(a, b, true)));
    await expectNoLeakedTensors(() => tf.dispose(net.embedTriplet(a, b, a, true)));
    await expectNoLeakedTensors(() => net.embedAll(x, 4).dispose());
    await expectNoLeakedTensors(() => {
      optimizer.minimize(
        () => {
          const [ea, eb] = net.embedPair(a, b, true);
          return tf.mean(net.head!.apply(ea, eb)) as tf.Scalar;
        },
        false,
        net.trainableVariables(),
      );
    });
    tf.dispose([a, b, x]);
    optimizer.dispose();
    net.dispose();
  });

  it('dispose frees the tower and head variables', () => {
    const before = tf.memory().numTensors;
    const net = new TwinNetwork(buildTower(modelConfig(), INPUT, 10), buildBinaryHead(3, 'abs-diff', 1));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => net.embed(tf.zeros([1, 5]), false)).toThrow(/disposed/);
  });
});
