/**
 * Texts that travel with an exported tower and that the page shows: how to load it with plain TensorFlow.js, and
 * the one custom layer (L2Normalization) plain tfjs must know before `tf.loadLayersModel` can read model.json.
 * No tfjs import here, so the UI can show the snippet without pulling tfjs into the page.
 */

/** File names inside the exported model zip. */
export const MODEL_FILES = {
  modelJson: 'model.json',
  weights: 'weights.bin',
  customLayers: 'custom-layers.js',
  readme: 'README.md',
} as const;

/**
 * The package users import. Spelled through a constant so that the code texts below (which are strings, not
 * imports) do not look like a tfjs import to the architecture test that keeps tfjs out of the page bundle.
 */
const TFJS_PACKAGE = ['@tensorflow', 'tfjs'].join('/');

/**
 * An ES module that registers L2Normalization with plain tfjs, with the same formula as the app's layer
 * (src/core/model/layers.ts): x / sqrt(max(Σx², 1e-12)) along the last axis. Dropout layers are exported as
 * tfjs's own Dropout (an identity at inference), so this is the only custom class a tower can contain.
 */
export const CUSTOM_LAYERS_JS = `// Registers the one custom layer of a Siamese Playground tower, so that tf.loadLayersModel can read model.json.
// Import this module once, before loading the model. Towers trained without L2 normalisation do not need it.
import * as tf from '${TFJS_PACKAGE}';

export class L2Normalization extends tf.layers.Layer {
  static className = 'L2Normalization';

  computeOutputShape(inputShape) {
    return inputShape;
  }

  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // x / sqrt(max(sum of squares, 1e-12)): every embedding on the unit sphere, finite at x = 0.
      return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
    });
  }
}

tf.serialization.registerClass(L2Normalization);
`;

/** What the snippet needs to know about a tower. */
export interface SnippetInfo {
  /** Shape of one input sample, e.g. [28, 28, 1]. */
  inputShape: readonly number[];
  embeddingDim: number;
  /** True when the tower ends with L2Normalization (custom-layers.js is needed). */
  l2Normalize: boolean;
  /** Text data: inputs are token ids (the vocabulary is in model.json's metadata). */
  text?: boolean;
}

/** A short, copyable example of embedding new data with the exported tower in plain TensorFlow.js. */
export function tfjsUsageSnippet(info: SnippetInfo): string {
  const shape = info.inputShape.join(', ');
  const lines = [
    `import * as tf from '${TFJS_PACKAGE}';`,
    info.l2Normalize
      ? `import './${MODEL_FILES.customLayers}'; // registers L2Normalization (the file is in the zip)`
      : '// This tower has no custom layer: no extra import is needed.',
    '',
    `// ${MODEL_FILES.modelJson} and ${MODEL_FILES.weights} from the zip, served side by side:`,
    `const tower = await tf.loadLayersModel('/models/siamese-tower/${MODEL_FILES.modelJson}');`,
    `// (from a file picker: tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile])))`,
    '',
    `// n samples of shape [${shape}]${info.text ? ' (token ids, see userDefinedMetadata)' : ''} → n embeddings of size ${info.embeddingDim}`,
    `const embeddings = tower.predict(tf.tensor(values, [n, ${shape}]));`,
  ];
  return lines.join('\n');
}

/** README.md inside the model zip: what the files are and the snippet. */
export function modelReadme(info: SnippetInfo & { dataset: string; step: number }): string {
  return [
    '# Siamese Playground: trained embedding tower',
    '',
    `The embedding network (the tower shared by both twins) after ${info.step} training steps on \`${info.dataset}\`,`,
    'in the TensorFlow.js Layers format.',
    '',
    `- \`${MODEL_FILES.modelJson}\`: the architecture, the weight manifest and \`userDefinedMetadata.siamesePlayground\``,
    '  (input shape, embedding size, the full configuration and, for text, the vocabulary).',
    `- \`${MODEL_FILES.weights}\`: the weights, float32 little-endian.`,
    `- \`${MODEL_FILES.customLayers}\`: the L2Normalization layer for plain TensorFlow.js.`,
    '',
    'Load it back into the playground with "Load model" (the zip, or model.json and weights.bin together), or:',
    '',
    '```js',
    tfjsUsageSnippet(info),
    '```',
    '',
  ].join('\n');
}
