/**
 * The WASM backend lacks two gradient kernels (conv filter, gather → segment sum); gradientKernels.ts fills them
 * in. Gradients on WASM must equal those of the pure-JS CPU backend, which has native kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig } from '../../../src/core/config';
import { Rng } from '../../../src/core/rng';
import { buildTower, type TowerInput } from '../../../src/core/model/towers';
import {
  conv2dFilterGradient,
  registerMissingGradientKernels,
  unsortedSegmentSumByMatMul,
} from '../../../src/core/model/gradientKernels';
import { selectNodeBackend } from '../../../src/cli/backend';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

afterAll(async () => {
  await useCpuBackend();
});

function values(n: number, seed: number, draw: (rng: Rng) => number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => draw(rng));
}

/** Gradients of Σ(embedding · fixed weights) with respect to every tower variable, as plain arrays. */
function towerGradients(config: ModelConfig, input: TowerInput, x: Float32Array, batch: number): number[][] {
  const tower = buildTower(config, input, 17);
  const xs = tf.tensor(x, [batch, ...input.featureShape]);
  const w = tf.tensor2d(
    values(batch * config.embeddingDim, 3, (r) => r.normal()),
    [batch, config.embeddingDim],
  );
  const variables = tower.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(tower.apply(xs, { training: true }) as tf.Tensor, w)) as tf.Scalar,
    variables,
  );
  const out = variables.map((v) => Array.from(grads[v.name].dataSync()));
  tf.dispose([xs, w, value, ...Object.values(grads)]);
  tower.dispose();
  return out;
}

describe('fallback gradient kernels', () => {
  it('conv2dFilterGradient and unsortedSegmentSumByMatMul match the CPU kernels (same, valid, stride 2)', async () => {
    await useCpuBackend();
    const x = tf.tensor4d(
      values(2 * 7 * 6 * 3, 1, (r) => r.normal()),
      [2, 7, 6, 3],
    );
    for (const [pad, stride] of [
      ['same', 1],
      ['valid', 1],
      ['same', 2],
      ['valid', 2],
    ] as const) {
      const filterShape: [number, number, number, number] = [3, 3, 3, 4];
      const filter = tf.zeros(filterShape) as tf.Tensor4D;
      const outShape = tf.tidy(() => tf.conv2d(x, filter, stride, pad).shape);
      const dy = tf.tensor4d(
        values(
          outShape.reduce((a, b) => a * b, 1),
          2,
          (r) => r.normal(),
        ),
        outShape,
      );
      // Reference: the CPU backend's native Conv2DBackpropFilter, through tf.grad.
      const reference = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, stride, pad), dy)))(
        filter,
      );
      const mine = conv2dFilterGradient(x, dy, { strides: stride, pad, dataFormat: 'NHWC', filterShape });
      expect(mine.shape).toEqual(filterShape);
      expectAllClose(mine.dataSync(), reference.dataSync(), 1e-4);
      tf.dispose([filter, dy, reference, mine]);
    }
    const rows = tf.tensor2d(
      values(6 * 2, 4, (r) => r.normal()),
      [6, 2],
    );
    const ids = tf.tensor1d([3, 0, 3, 1, 7, 0], 'int32'); // 7 is out of range: dropped
    const native = tf.unsortedSegmentSum(rows, ids, 5);
    const mine = unsortedSegmentSumByMatMul(rows, ids, 5);
    expectAllClose(mine.dataSync(), native.dataSync(), 1e-6);
    expect(mine.shape).toEqual([5, 2]);
    await expectNoLeakedTensors(() => unsortedSegmentSumByMatMul(rows, ids, 5).dispose());
    tf.dispose([x, rows, ids, native, mine]);
  });

  it('registers only what a backend lacks (nothing for cpu)', () => {
    expect(registerMissingGradientKernels('cpu')).toEqual([]);
    registerMissingGradientKernels('wasm');
    expect(registerMissingGradientKernels('wasm')).toEqual([]);
  });

  it('CNN and text LSTM towers get the same gradients on WASM as on CPU', async () => {
    const cnn = makeConfig({
      model: {
        tower: 'cnn',
        embeddingDim: 4,
        l2Normalize: true,
        cnn: { filters: [3, 5], kernelSize: 3, denseUnits: 6, activation: 'relu', dropout: 0, batchNorm: false },
      },
    }).model;
    const lstm = makeConfig({
      model: { tower: 'lstm', embeddingDim: 4, l2Normalize: true, recurrent: { tokenEmbeddingDim: 3, units: 5 } },
    }).model;
    const imageInput: TowerInput = { featureShape: [8, 8, 1], modality: 'image' };
    const textInput: TowerInput = { featureShape: [6], modality: 'text', vocabularySize: 9 };
    const images = values(3 * 64, 5, (r) => r.next());
    const tokens = values(3 * 6, 6, (r) => r.int(9));

    await useCpuBackend();
    const cpu = [towerGradients(cnn, imageInput, images, 3), towerGradients(lstm, textInput, tokens, 3)];
    const { backend } = await selectNodeBackend('wasm');
    expect(backend).toBe('wasm');
    const wasm = [towerGradients(cnn, imageInput, images, 3), towerGradients(lstm, textInput, tokens, 3)];
    for (let t = 0; t < 2; t++) {
      expect(wasm[t].length).toBe(cpu[t].length);
      cpu[t].forEach((g, i) => {
        expect(g.some((v) => v !== 0)).toBe(true);
        expectAllClose(wasm[t][i], g, 1e-3);
      });
    }
    await expectNoLeakedTensors(() => towerGradients(cnn, imageInput, images, 3));
  });
});
