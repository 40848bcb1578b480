import { describe, expect, it } from 'vitest';
import { PixelPool } from '../../../src/ui/scatter/pixelPool';

describe('PixelPool', () => {
  it('hands out copies, never one still in use, and reuses those taken back', () => {
    const pool = new PixelPool(4);
    const source = Float32Array.of(1, 2, 3, 4);
    const a = pool.copyOf(source);
    const b = pool.copyOf(source);
    expect(a).not.toBe(source);
    expect(b).not.toBe(a);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
    source[0] = 9;
    expect(a[0]).toBe(1);
    pool.release(a);
    const c = pool.copyOf(source);
    expect(c).toBe(a);
    expect(Array.from(c)).toEqual([9, 2, 3, 4]);
    expect(pool.copyOf(source)).not.toBe(b);
  });

  it('gives a copy of the asked length only, takes each copy back once, and keeps at most its limit', () => {
    const pool = new PixelPool(2);
    const short = pool.copyOf(new Float32Array(2));
    pool.release(short);
    pool.release(short);
    expect(pool.spare).toBe(1);
    const long = pool.copyOf(new Float32Array(6));
    expect(long).not.toBe(short);
    expect(long.length).toBe(6);
    const copies = [long, pool.copyOf(new Float32Array(6)), pool.copyOf(new Float32Array(6))];
    for (const copy of copies) pool.release(copy);
    expect(pool.spare).toBe(2);
    expect(pool.copyOf(new Float32Array(2))).not.toBe(short);
  });
});
