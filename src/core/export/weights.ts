/**
 * Weights as plain data, for files and storage: named float32 arrays with their shapes, checked against the model
 * they are meant for before anything is written (so a file of another model is refused and changes nothing), and a
 * compact base64 encoding of their little-endian bytes for JSON files. No tfjs: the UI builds and checks experiment
 * files with these helpers.
 */

/** One weight tensor as data. `name` is informative (tfjs numbers layers per session); order and shape identify it. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * Every weight of a twin network: the tower's (trainable ones and batch-norm statistics, in the tower's own order)
 * and the pair head's (binary / cosine-regression losses only; [] otherwise).
 */
export interface ModelWeights {
  tower: NamedWeight[];
  head: NamedWeight[];
}

/** The shape part of a weight, as a manifest lists it. */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/** A weight list that does not fit the model it is meant for. */
export class WeightShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightShapeError';
  }
}

/** Number of values of a tensor of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A weight name without tfjs's per-session numbering: "dense_Dense11/kernel_4" → "Dense/kernel", so messages
 * read the same whichever session saved or loads the file.
 */
export function readableWeightName(name: string): string {
  const parts = name.split('/');
  const weight = parts.pop()!.replace(/_\d+$/, '');
  const layer = parts.map((p) => /^[a-z0-9_]+_([A-Z][A-Za-z0-9]*?)\d*$/.exec(p)?.[1] ?? p.replace(/_\d+$/, ''));
  return [...layer, weight].join('/');
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Throws a WeightShapeError naming the first difference between the weights a model needs (`expected`) and those a
 * file brings (`given`): another count, or weight i of another shape. `source` names the file in the message and
 * `part` the part of the network ("tower", "head").
 */
export function checkWeightShapes(
  expected: readonly WeightSpec[],
  given: readonly WeightSpec[],
  source: string,
  part = 'tower',
): void {
  if (expected.length !== given.length) {
    throw new WeightShapeError(
      `${source} holds ${given.length} ${part} weight ${given.length === 1 ? 'tensor' : 'tensors'}, but this model's ${part} has ${expected.length}: ` +
        'it was saved from a network of another architecture (tower type, layers or batch-norm); choose the same model settings and try again',
    );
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i].shape;
    const got = given[i].shape;
    if (want.length !== got.length || want.some((d, k) => d !== got[k])) {
      throw new WeightShapeError(
        `${part} weight ${i + 1} of ${expected.length} (${readableWeightName(given[i].name)}) has shape ${formatShape(got)} in ${source}, but this model needs ${formatShape(want)} ` +
          `(${readableWeightName(expected[i].name)}): the file was saved from a network with other layer sizes or another input; choose the same model settings and try again`,
      );
    }
  }
}

/** The weights of `weights` concatenated in order (tower then head), with the manifest that cuts them apart again. */
export function packWeights(weights: ModelWeights): { tower: WeightSpec[]; head: WeightSpec[]; values: Float32Array } {
  const all = [...weights.tower, ...weights.head];
  const values = new Float32Array(all.reduce((n, w) => n + w.values.length, 0));
  let offset = 0;
  for (const w of all) {
    if (w.values.length !== sizeOf(w.shape))
      throw new Error(`weight ${w.name} has ${w.values.length} values for shape ${formatShape(w.shape)}`);
    values.set(w.values, offset);
    offset += w.values.length;
  }
  const spec = (w: NamedWeight): WeightSpec => ({ name: w.name, shape: [...w.shape] });
  return { tower: weights.tower.map(spec), head: weights.head.map(spec), values };
}

/** Cuts `values` apart along the manifest; throws when their sizes disagree (a truncated or edited file). */
export function unpackWeights(
  tower: readonly WeightSpec[],
  head: readonly WeightSpec[],
  values: Float32Array,
  source: string,
): ModelWeights {
  const needed = [...tower, ...head].reduce((n, w) => n + sizeOf(w.shape), 0);
  if (needed !== values.length) {
    throw new WeightShapeError(
      `${source} holds ${values.length.toLocaleString('en')} weight values, but its manifest describes ${needed.toLocaleString('en')}: the weights are cut short or were edited`,
    );
  }
  let offset = 0;
  const take = (w: WeightSpec): NamedWeight => {
    const size = sizeOf(w.shape);
    const out = { name: w.name, shape: [...w.shape], values: values.slice(offset, offset + size) };
    offset += size;
    return out;
  };
  return { tower: tower.map(take), head: head.map(take) };
}

/** The little-endian bytes of float32 values (a copy; the values' own buffer is left alone). */
export function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** Float32 values from little-endian bytes; throws when the byte count is not a multiple of 4. */
export function float32FromBytes(bytes: Uint8Array, source: string): Float32Array {
  if (bytes.length % 4 !== 0)
    throw new WeightShapeError(
      `${source} holds ${bytes.length} bytes of weights, which is not a whole number of float32 values: it is cut short`,
    );
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_INDEX = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) table[BASE64.charCodeAt(i)] = i;
  return table;
})();

/** Standard base64 (with `=` padding), in chunks so megabytes of weights do not build one huge intermediate string. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk = 3 * 16_384;
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(start + chunk, bytes.length);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      s += BASE64[b0 >> 2] + BASE64[((b0 & 3) << 4) | (b1 >> 4)];
      s += i + 1 < end ? BASE64[((b1 & 15) << 2) | (b2 >> 6)] : '=';
      s += i + 2 < end ? BASE64[b2 & 63] : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Decodes standard base64 (whitespace ignored); throws naming `source` on any other character or a cut-short text. */
export function decodeBase64(text: string, source: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0)
    throw new Error(`${source} is not valid base64: its length is not a multiple of 4 (the text is cut short)`);
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const q: number[] = [];
    for (let k = 0; k < 4; k++) {
      const c = clean.charCodeAt(i + k);
      const isPad = c === 61 && i + k >= clean.length - padding;
      const v = isPad ? 0 : c < 128 ? BASE64_INDEX[c] : -1;
      if (v < 0)
        throw new Error(
          `${source} is not valid base64: unexpected character ${JSON.stringify(clean[i + k])} at position ${i + k + 1}`,
        );
      q.push(v);
    }
    const triple = (q[0] << 18) | (q[1] << 12) | (q[2] << 6) | q[3];
    if (o < out.length) out[o++] = (triple >> 16) & 255;
    if (o < out.length) out[o++] = (triple >> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}
