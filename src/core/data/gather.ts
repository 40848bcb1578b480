/**
 * CPU-side batch assembly. Batches keep one fixed shape (a new shape recompiles WebGL shaders), so the
 * caller can allocate the batch buffer once and refill it every step.
 */

/** Copies rows `indices` of a row-major matrix into `out` (reused when given; it must hold exactly the batch). */
export function gatherRows(
  source: Float32Array,
  rowSize: number,
  indices: ArrayLike<number>,
  out?: Float32Array,
): Float32Array {
  if (!(Number.isInteger(rowSize) && rowSize > 0))
    throw new Error(`gatherRows needs a positive whole row size, got ${rowSize}`);
  const needed = indices.length * rowSize;
  const target = out ?? new Float32Array(needed);
  if (target.length !== needed) {
    throw new Error(
      `gatherRows: the output buffer holds ${target.length} values but ${indices.length} rows × ${rowSize} need ${needed}`,
    );
  }
  const rows = Math.floor(source.length / rowSize);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    if (!(Number.isInteger(i) && i >= 0 && i < rows))
      throw new Error(`gatherRows: row ${i} does not exist (the source has ${rows} rows)`);
    target.set(source.subarray(i * rowSize, (i + 1) * rowSize), r * rowSize);
  }
  return target;
}
