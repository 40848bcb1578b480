/**
 * `tf.train.adam` with its constants made once.
 *
 * The stock update passes β₁, 1 − β₁, β₂, 1 − β₂, ε and −learning rate to its ops as numbers, and every number
 * becomes a new scalar tensor (a JS typed array and a backend upload) on every call: 26 of them per step for a
 * two-layer MLP. In Chromium's worker that creation costs several times what it costs in Node. Here the same ops
 * run in the same order on scalar tensors made once, with the values the stock code would make (float32 of the
 * same doubles), so every update is bit-identical to `tf.train.adam`'s; the class name, config and weights are
 * Adam's, so checkpoints do not change.
 */
import * as tf from '@tensorflow/tfjs';

/** The stock optimizer's private state, which the update below reads and writes exactly as its own method does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

export class ConstantScalarsAdam extends tf.AdamOptimizer {
  private readonly constants: {
    one: tf.Scalar;
    beta1: tf.Scalar;
    oneMinusBeta1: tf.Scalar;
    beta2: tf.Scalar;
    oneMinusBeta2: tf.Scalar;
    epsilon: tf.Scalar;
    negativeLearningRate: tf.Scalar;
  };

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999) {
    super(learningRate, beta1, beta2);
    this.constants = {
      one: tf.keep(tf.scalar(1)),
      beta1: tf.keep(tf.scalar(beta1)),
      oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)),
      beta2: tf.keep(tf.scalar(beta2)),
      oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)),
      epsilon: tf.keep(tf.scalar(this.epsilon)),
      negativeLearningRate: tf.keep(tf.scalar(-learningRate)),
    };
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdamState;
    const c = this.constants;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(c.one, state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(c.one, state.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i]!.variable;
        const secondMoment = state.accumulatedSecondMoment[i]!.variable;
        const newFirstMoment = tf.add(tf.mul(firstMoment, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
        const newSecondMoment = tf.add(tf.mul(secondMoment, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
        const correctedFirst = tf.div(newFirstMoment, oneMinusAccBeta1);
        const correctedSecond = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        const step = tf.mul(
          tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), c.epsilon)),
          c.negativeLearningRate,
        );
        value.assign(tf.add(step, value));
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, c.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, c.beta2));
    });
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    tf.dispose(Object.values(this.constants));
  }
}
