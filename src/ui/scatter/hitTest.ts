/**
 * Hover hit-testing for thousands of scatter points: a uniform grid of buckets so each mouse move looks at only the
 * few cells around the cursor instead of every point.
 */

/** A grid index over flat n×2 pixel positions. */
export interface PointGrid {
  cellSize: number;
  originX: number;
  originY: number;
  columns: number;
  rows: number;
  /** Point indices sorted by cell; `cellStart[c]..cellStart[c+1]` are the points of cell c. */
  order: Int32Array;
  cellStart: Int32Array;
  positions: Float32Array;
}

/** Builds the grid; `cellSize` should be about the hover radius. Non-finite points are left out. */
export function buildPointGrid(positions: Float32Array, cellSize: number): PointGrid {
  const n = Math.floor(positions.length / 2);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = positions[2 * i];
    const y = positions[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) {
    minX = minY = 0;
    maxX = maxY = 0;
  }
  const size = cellSize > 0 ? cellSize : 1;
  // Cap the grid so pathological spreads do not allocate huge arrays.
  const columns = Math.min(4096, Math.floor((maxX - minX) / size) + 1);
  const rows = Math.min(4096, Math.floor((maxY - minY) / size) + 1);
  const cellOf = new Int32Array(n).fill(-1);
  const counts = new Int32Array(columns * rows + 1);
  for (let i = 0; i < n; i++) {
    const x = positions[2 * i];
    const y = positions[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const cx = Math.min(columns - 1, Math.floor((x - minX) / size));
    const cy = Math.min(rows - 1, Math.floor((y - minY) / size));
    const c = cy * columns + cx;
    cellOf[i] = c;
    counts[c + 1]++;
  }
  const cellStart = new Int32Array(columns * rows + 1);
  for (let c = 0; c < columns * rows; c++) cellStart[c + 1] = cellStart[c] + counts[c + 1];
  const fill = cellStart.slice(0, columns * rows);
  const order = new Int32Array(cellStart[columns * rows]);
  for (let i = 0; i < n; i++) if (cellOf[i] >= 0) order[fill[cellOf[i]]++] = i;
  return { cellSize: size, originX: minX, originY: minY, columns, rows, order, cellStart, positions };
}

/**
 * The index of the point nearest to (x, y) within `radius` (Euclidean), or -1. Ties go to the lower index, as a
 * brute-force scan in index order would.
 */
export function nearestPoint(grid: PointGrid, x: number, y: number, radius: number): number {
  const { cellSize, originX, originY, columns, rows, order, cellStart, positions } = grid;
  if (order.length === 0) return -1;
  // Cells on the capped edge may be wider than cellSize; clamping the search range keeps them covered.
  const c0 = Math.min(columns - 1, Math.max(0, Math.floor((x - radius - originX) / cellSize)));
  const c1 = Math.min(columns - 1, Math.floor((x + radius - originX) / cellSize));
  const r0 = Math.min(rows - 1, Math.max(0, Math.floor((y - radius - originY) / cellSize)));
  const r1 = Math.min(rows - 1, Math.floor((y + radius - originY) / cellSize));
  let best = -1;
  let bestD2 = radius * radius;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = r * columns + c;
      for (let k = cellStart[cell]; k < cellStart[cell + 1]; k++) {
        const i = order[k];
        const dx = positions[2 * i] - x;
        const dy = positions[2 * i + 1] - y;
        const d2 = dx * dx + dy * dy;
        if (d2 < bestD2 || (d2 === bestD2 && (best < 0 || i < best))) {
          bestD2 = d2;
          best = i;
        }
      }
    }
  }
  return best;
}
