/**
 * Loss smoothing as TensorBoard does it: an exponential moving average with weight w in [0, 1), debiased so the
 * first points are not pulled towards 0 (the same correction as Adam's): s_t = a_t / (1 − w^k), where
 * a_t = w·a_{t−1} + (1 − w)·y_t over the k finite values seen so far (a_0 = 0). Non-finite values pass through
 * unchanged and do not enter the average; a constant series is returned as is. Pure: tested in Node.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  if (!(weight >= 0 && weight < 1)) throw new Error(`the smoothing weight must be in [0, 1), got ${weight}`);
  const n = values.length;
  const out = new Float64Array(n);
  let constant = true;
  for (let i = 1; i < n && constant; i++) if (values[i] !== values[0]) constant = false;
  let last = 0;
  /** w^k for the k finite values so far, kept as a running product (a power per point costs more). */
  let decay = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (constant || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    decay *= weight;
    out[i] = last / (1 - decay);
  }
  return out;
}
