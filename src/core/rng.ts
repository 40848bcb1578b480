/**
 * The one seeded random source of the core. Every sampler, initialiser and synthetic dataset takes an
 * `Rng` (or a seed to make one) so that the same config and seed give the same numbers on the CPU backend.
 *
 * Generator: sfc32 (Small Fast Counter), seeded through splitmix32 so that nearby seeds diverge at once.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new Error(`Rng.int needs a positive bound, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal sample (Box–Muller). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  shuffle<T extends Int32Array | Uint32Array | Float32Array>(items: T): T;
  shuffle<T>(items: T[] | Int32Array | Uint32Array | Float32Array): T[] | Int32Array | Uint32Array | Float32Array {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new Error('Rng.pick needs a non-empty array');
    return items[this.int(items.length)];
  }

  /** `k` distinct indices from [0, n), in random order. Throws if k > n. */
  sampleWithoutReplacement(n: number, k: number): number[] {
    if (k > n) throw new Error(`cannot draw ${k} distinct items from ${n}`);
    if (k * 3 < n) {
      const seen = new Set<number>();
      const out: number[] = [];
      while (out.length < k) {
        const i = this.int(n);
        if (!seen.has(i)) {
          seen.add(i);
          out.push(i);
        }
      }
      return out;
    }
    const all = Array.from({ length: n }, (_, i) => i);
    this.shuffle(all);
    return all.slice(0, k);
  }

  /** A 32-bit seed for a child generator or for tfjs initialisers, drawn from this stream. */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** A generator in this one's state: from here on both draw the same numbers (to replay a draw). */
  clone(): Rng {
    const copy = Object.create(Rng.prototype) as Rng;
    copy.a = this.a;
    copy.b = this.b;
    copy.c = this.c;
    copy.d = this.d;
    return copy;
  }

  /** An independent child generator (e.g. one for sampling, one for initialisation). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}
