/**
 * Batch samplers: which sample indices make up each training batch. They return index arrays only (the trainer
 * gathers the rows on the backend), always of the same length, because every new batch shape recompiles the
 * WebGL shaders. All randomness comes from the `Rng` passed in, so a seed replays the same batches.
 *
 * Epochs: an online sampler counts an epoch every `batchesPerEpoch = ceil(items / batchSize)` batches, where the
 * items are what it cycles through (named per sampler). Items are dealt from a reshuffled deck, without
 * replacement. The single-deck samplers (triplets, split-input samples, pair files) restart their deck at each
 * epoch, so every epoch deals every item at least once; the P×K and balanced-pair samplers draw from several
 * decks, so their epoch is "about one pass". The precomputed (offline mining) samplers count actual passes over
 * the pool the trainer gave them.
 */
import type { Rng } from '../rng';

/** What the trainer and the UI read from any sampler. */
export interface BatchSampler {
  /** Indices (or pairs, or triplets) per batch; never changes. */
  readonly batchSize: number;
  /** Completed epochs. */
  readonly epoch: number;
  /** Batches that make one epoch. */
  readonly batchesPerEpoch: number;
}

/**
 * P classes × K samples per batch, for online mining (every anchor has positives and negatives in the batch).
 * Classes are drawn without replacement among those with ≥ 2 samples (a single-sample class cannot supply a
 * positive), cycling through a reshuffled deck of classes so each gets its turn; within a class, K samples
 * without replacement from that class's own reshuffled deck when it has ≥ K, else all of its samples plus
 * random repeats (so at least 2 distinct). Items of an epoch: the samples of the usable classes (classes take
 * equal turns whatever their size, so an epoch is a batch count, about one pass).
 */
export class PKSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly classes: ClassIndex;
  private readonly classDeck: Deck;
  private readonly sampleDecks: (Deck | null)[];
  private readonly perEpoch: number;
  private batches = 0;

  constructor(
    labels: Int32Array,
    numClasses: number,
    private readonly classesPerBatch: number,
    private readonly samplesPerClass: number,
    private readonly rng: Rng,
  ) {
    requireCount('classesPerBatch (P)', classesPerBatch, 1);
    if (!(Number.isInteger(samplesPerClass) && samplesPerClass >= 2)) {
      throw new Error(
        `a P×K batch needs K ≥ 2 samples per class so that every anchor has a positive; got K = ${samplesPerClass}: make batch.size at least 2 × batch.classesPerBatch`,
      );
    }
    this.classes = new ClassIndex(labels, numClasses);
    const usable = this.classes.classesWithAtLeast(2);
    if (usable.length < classesPerBatch) {
      const singles = this.classes.classesWithAtLeast(1).length - usable.length;
      const singleNote =
        singles > 0 ? ` (${singles} more class(es) have a single sample, which cannot form a positive pair)` : '';
      const fix =
        usable.length >= 2
          ? `set batch.classesPerBatch to at most ${usable.length} (keeping batch.size a multiple of it), or add samples to the small classes`
          : 'add samples so that at least 2 classes have 2 or more, or use a dataset with more classes';
      throw new Error(
        `a P×K batch needs ${classesPerBatch} classes with at least 2 samples each, but the training data has only ${usable.length}${singleNote}; ${fix}`,
      );
    }
    this.batchSize = classesPerBatch * samplesPerClass;
    this.classDeck = new Deck(Int32Array.from(usable), rng);
    this.sampleDecks = Array.from({ length: numClasses }, (_, c) =>
      // Stryker disable next-line EqualityOperator: a class of exactly K samples gives all K in a random order by either path
      this.classes.count(c) >= samplesPerClass ? new Deck(this.classes.members(c), rng) : null,
    );
    const usableSamples = usable.reduce((sum, c) => sum + this.classes.count(c), 0);
    this.perEpoch = Math.max(1, Math.ceil(usableSamples / this.batchSize));
  }

  /** P·K sample indices, grouped by class (K consecutive indices per class). */
  next(): Int32Array {
    const out = new Int32Array(this.batchSize);
    const K = this.samplesPerClass;
    const chosenClasses = this.classDeck.drawDistinct(this.classesPerBatch);
    chosenClasses.forEach((c, slot) => {
      const deck = this.sampleDecks[c];
      const start = slot * K;
      if (deck) {
        out.set(deck.drawDistinct(K), start);
      } else {
        const members = this.classes.members(c);
        const distinct = this.rng.shuffle(Int32Array.from(members));
        out.set(distinct, start);
        // Stryker disable next-line EqualityOperator: k = K writes the next class's first slot, which that class then overwrites (or past the end)
        for (let k = distinct.length; k < K; k++) out[start + k] = members[this.rng.int(members.length)];
      }
    });
    this.batches++;
    return out;
  }

  get epoch(): number {
    return Math.floor(this.batches / this.perEpoch);
  }

  get batchesPerEpoch(): number {
    return this.perEpoch;
  }
}

/**
 * Balanced random pairs: round(positiveFraction × size) positive pairs (same class, two distinct samples) and the
 * rest negative (different classes), in random order. The first member of each pair cycles through a reshuffled
 * deck; its partner is drawn at random (uniform over the eligible samples). Items of an epoch: all samples
 * (positive and negative pairs deal their first members from separate decks, so an epoch is about one pass).
 */
export class PairSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly positives: number;
  private readonly classes: ClassIndex;
  private readonly positiveAnchors: Deck | null;
  private readonly negativeAnchors: Deck | null;
  private readonly perEpoch: number;
  private batches = 0;

  constructor(
    labels: Int32Array,
    numClasses: number,
    pairsPerBatch: number,
    positiveFraction: number,
    private readonly rng: Rng,
  ) {
    requireCount('pairsPerBatch', pairsPerBatch, 1);
    if (!(positiveFraction >= 0 && positiveFraction <= 1))
      throw new Error(`the positive fraction must be between 0 and 1, got ${positiveFraction}`);
    this.batchSize = pairsPerBatch;
    this.positives = Math.round(positiveFraction * pairsPerBatch);
    this.classes = new ClassIndex(labels, numClasses);
    this.positiveAnchors =
      this.positives > 0 ? new Deck(this.classes.samplesOfClassesWithAtLeast(2, 'positive pairs'), rng) : null;
    this.negativeAnchors =
      this.positives < pairsPerBatch ? new Deck(this.classes.allSamples('negative pairs'), rng) : null;
    this.perEpoch = Math.max(1, Math.ceil(labels.length / pairsPerBatch));
  }

  /** `size` pairs (a[i], b[i]) with similar[i] = 1 for same class, 0 for different classes. */
  next(): { a: Int32Array; b: Int32Array; similar: Float32Array } {
    const n = this.batchSize;
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    const similar = new Float32Array(n);
    const slots = this.rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let k = 0; k < n; k++) {
      const slot = slots[k];
      if (k < this.positives) {
        const anchor = this.positiveAnchors!.draw();
        a[slot] = anchor;
        b[slot] = this.classes.otherMemberOfClass(anchor, this.rng);
        similar[slot] = 1;
      } else {
        const anchor = this.negativeAnchors!.draw();
        a[slot] = anchor;
        b[slot] = this.classes.sampleOfAnotherClass(anchor, this.rng);
      }
    }
    this.batches++;
    return { a, b, similar };
  }

  get epoch(): number {
    return Math.floor(this.batches / this.perEpoch);
  }

  get batchesPerEpoch(): number {
    return this.perEpoch;
  }
}

/**
 * Random valid triplets: the anchor cycles through a reshuffled deck of the samples whose class has ≥ 2 samples;
 * the positive is another sample of its class, the negative a uniform sample of any other class.
 * Items of an epoch: those anchors, each at least once per epoch.
 */
export class TripletSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly classes: ClassIndex;
  private readonly anchors: Deck;
  private readonly perEpoch: number;
  private batches = 0;

  constructor(
    labels: Int32Array,
    numClasses: number,
    tripletsPerBatch: number,
    private readonly rng: Rng,
  ) {
    requireCount('tripletsPerBatch', tripletsPerBatch, 1);
    this.batchSize = tripletsPerBatch;
    this.classes = new ClassIndex(labels, numClasses);
    const anchors = this.classes.samplesOfClassesWithAtLeast(2, 'triplets');
    this.classes.requireTwoClasses('triplets');
    this.anchors = new Deck(anchors, rng);
    this.perEpoch = Math.max(1, Math.ceil(anchors.length / tripletsPerBatch));
  }

  /** `size` triplets: label(anchor) = label(positive), anchor ≠ positive, label(negative) ≠ label(anchor). */
  next(): { anchor: Int32Array; positive: Int32Array; negative: Int32Array } {
    const n = this.batchSize;
    const anchor = new Int32Array(n);
    const positive = new Int32Array(n);
    const negative = new Int32Array(n);
    // Stryker disable next-line EqualityOperator,ConditionalExpression: at batch 0 the deck is freshly shuffled and restart() does nothing
    if (this.batches > 0 && this.batches % this.perEpoch === 0) this.anchors.restart();
    for (let k = 0; k < n; k++) {
      const a = this.anchors.draw();
      anchor[k] = a;
      positive[k] = this.classes.otherMemberOfClass(a, this.rng);
      negative[k] = this.classes.sampleOfAnotherClass(a, this.rng);
    }
    this.batches++;
    return { anchor, positive, negative };
  }

  get epoch(): number {
    return Math.floor(this.batches / this.perEpoch);
  }

  get batchesPerEpoch(): number {
    return this.perEpoch;
  }
}

/**
 * Split-input batches: `size` distinct sample indices (each sample's two halves are its positive pair; the trainer
 * forms negatives in-batch, so a repeated sample would be a false negative — hence distinct). Samples cycle
 * through a deck reshuffled at every epoch, so each epoch sees every sample (there are no labels here to
 * stratify by). Items of an epoch: all samples.
 */
export class SampleSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly deck: Deck;
  private readonly perEpoch: number;
  private batches = 0;

  constructor(numSamples: number, size: number, rng: Rng) {
    requireCount('batch size', size, 2);
    if (numSamples < size) {
      throw new Error(
        `a split-input batch of ${size} needs ${size} distinct training samples (the others in the batch are the negatives), but there are only ${numSamples}; lower batch.size to at most ${numSamples}`,
      );
    }
    this.batchSize = size;
    this.deck = new Deck(
      Int32Array.from({ length: numSamples }, (_, i) => i),
      rng,
    );
    this.perEpoch = Math.max(1, Math.ceil(numSamples / size));
  }

  /** `size` distinct sample indices. */
  next(): Int32Array {
    // Stryker disable next-line EqualityOperator,ConditionalExpression: at batch 0 the deck is freshly shuffled and restart() does nothing
    if (this.batches > 0 && this.batches % this.perEpoch === 0) this.deck.restart();
    this.batches++;
    return Int32Array.from(this.deck.drawDistinct(this.batchSize));
  }

  get epoch(): number {
    return Math.floor(this.batches / this.perEpoch);
  }

  get batchesPerEpoch(): number {
    return this.perEpoch;
  }
}

/**
 * Explicit pair files: batches of pair indices from a deck reshuffled at every epoch; the last batch of an epoch
 * continues into a fresh shuffle so every batch is full (with fewer pairs than `size`, pairs repeat).
 * Items of an epoch: all pairs, each at least once per epoch.
 */
export class PairIndexSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly deck: Deck;
  private readonly perEpoch: number;
  private batches = 0;

  constructor(numPairs: number, size: number, rng: Rng) {
    requireCount('batch size', size, 1);
    if (!(numPairs >= 1)) throw new Error('the pair file has no training pairs to sample from');
    this.batchSize = size;
    this.deck = new Deck(
      Int32Array.from({ length: numPairs }, (_, i) => i),
      rng,
    );
    this.perEpoch = Math.max(1, Math.ceil(numPairs / size));
  }

  /** `size` pair indices. */
  next(): Int32Array {
    const out = new Int32Array(this.batchSize);
    // Stryker disable next-line EqualityOperator,ConditionalExpression: at batch 0 the deck is freshly shuffled and restart() does nothing
    if (this.batches > 0 && this.batches % this.perEpoch === 0) this.deck.restart();
    for (let k = 0; k < out.length; k++) out[k] = this.deck.draw();
    this.batches++;
    return out;
  }

  get epoch(): number {
    return Math.floor(this.batches / this.perEpoch);
  }

  get batchesPerEpoch(): number {
    return this.perEpoch;
  }
}

/**
 * Offline mining: cycles through the triplets the trainer mined from current embeddings, reshuffled at each pass.
 * `epoch` counts completed passes over the pools set so far and never goes back when a new pool arrives, so
 * the trainer can re-mine whenever it changes.
 */
export class PrecomputedTripletSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly pool: PoolCycle;
  private anchor: Int32Array = new Int32Array(0);
  private positive: Int32Array = new Int32Array(0);
  private negative: Int32Array = new Int32Array(0);

  constructor(size: number, rng: Rng) {
    requireCount('batch size', size, 1);
    this.batchSize = size;
    this.pool = new PoolCycle(rng, 'triplets');
  }

  /** Replaces the pool (same length for all three); the next batch starts a fresh pass over it. */
  setPool(anchor: Int32Array, positive: Int32Array, negative: Int32Array): void {
    if (positive.length !== anchor.length || negative.length !== anchor.length) {
      throw new Error(
        `a triplet pool needs as many positives and negatives as anchors; got ${anchor.length}, ${positive.length}, ${negative.length}`,
      );
    }
    this.anchor = anchor;
    this.positive = positive;
    this.negative = negative;
    this.pool.reset(anchor.length);
  }

  /** `size` triplets from the pool (repeating when the pool is smaller than a batch). */
  next(): { anchor: Int32Array; positive: Int32Array; negative: Int32Array } {
    const picks = this.pool.take(this.batchSize);
    return {
      anchor: Int32Array.from(picks, (i) => this.anchor[i]),
      positive: Int32Array.from(picks, (i) => this.positive[i]),
      negative: Int32Array.from(picks, (i) => this.negative[i]),
    };
  }

  get epoch(): number {
    return this.pool.passes;
  }

  get batchesPerEpoch(): number {
    return Math.max(1, Math.ceil(this.pool.size / this.batchSize));
  }
}

/** Offline mining for pair losses: the same as {@link PrecomputedTripletSampler}, with (a, b, similar) pairs. */
export class PrecomputedPairSampler implements BatchSampler {
  readonly batchSize: number;
  private readonly pool: PoolCycle;
  private a: Int32Array = new Int32Array(0);
  private b: Int32Array = new Int32Array(0);
  private similar: Float32Array = new Float32Array(0);

  constructor(size: number, rng: Rng) {
    requireCount('batch size', size, 1);
    this.batchSize = size;
    this.pool = new PoolCycle(rng, 'pairs');
  }

  /** Replaces the pool (same length for all three); the next batch starts a fresh pass over it. */
  setPool(a: Int32Array, b: Int32Array, similar: Float32Array): void {
    if (b.length !== a.length || similar.length !== a.length) {
      throw new Error(
        `a pair pool needs as many b's and targets as a's; got ${a.length}, ${b.length}, ${similar.length}`,
      );
    }
    this.a = a;
    this.b = b;
    this.similar = similar;
    this.pool.reset(a.length);
  }

  /** `size` pairs from the pool (repeating when the pool is smaller than a batch). */
  next(): { a: Int32Array; b: Int32Array; similar: Float32Array } {
    const picks = this.pool.take(this.batchSize);
    return {
      a: Int32Array.from(picks, (i) => this.a[i]),
      b: Int32Array.from(picks, (i) => this.b[i]),
      similar: Float32Array.from(picks, (i) => this.similar[i]),
    };
  }

  get epoch(): number {
    return this.pool.passes;
  }

  get batchesPerEpoch(): number {
    return Math.max(1, Math.ceil(this.pool.size / this.batchSize));
  }
}

// ─── internals ─────────────────────────────────────────────────────────────────────────────────────────

function requireCount(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min))
    throw new Error(`${name} must be a whole number ≥ ${min}, got ${value}`);
}

/**
 * A deck of items dealt in a random order and reshuffled after each full pass, so every item comes up once per
 * pass (better coverage than independent draws). `passes` counts completed passes.
 */
class Deck {
  private readonly order: Int32Array;
  private cursor = 0;
  passes = 0;

  constructor(
    items: Int32Array,
    private readonly rng: Rng,
  ) {
    this.order = rng.shuffle(Int32Array.from(items));
  }

  get size(): number {
    return this.order.length;
  }

  /** The next item. */
  draw(): number {
    const item = this.order[this.cursor++];
    this.endPassIfDone();
    return item;
  }

  /**
   * `k` distinct items (k ≤ size). Near the end of a pass the next shuffle may deal an item already taken for
   * this batch; it is then swapped with a later one not taken yet, so it stays in the pass and comes up later.
   */
  drawDistinct(k: number): number[] {
    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable: PKSampler checks each class's size and SampleSampler the sample count
    if (k > this.order.length) throw new Error(`internal: ${k} distinct items asked of a deck of ${this.order.length}`);
    const chosen = new Set<number>();
    const out: number[] = [];
    while (out.length < k) {
      if (chosen.has(this.order[this.cursor])) {
        // Every item not yet chosen is still ahead in this pass (the ones dealt in this pass were all chosen).
        let j = this.cursor + 1;
        while (chosen.has(this.order[j])) j++;
        const tmp = this.order[j];
        this.order[j] = this.order[this.cursor];
        this.order[this.cursor] = tmp;
      }
      const item = this.draw();
      chosen.add(item);
      out.push(item);
    }
    return out;
  }

  /** Starts a fresh pass now (an epoch boundary), dropping what is left of the current one. */
  restart(): void {
    // Stryker disable next-line ConditionalExpression: reshuffling a freshly shuffled deck deals the same distribution; the return saves the draws
    if (this.cursor === 0) return; // already freshly shuffled
    this.cursor = 0;
    this.rng.shuffle(this.order);
  }

  private endPassIfDone(): void {
    if (this.cursor < this.order.length) return;
    this.passes++;
    this.cursor = 0;
    this.rng.shuffle(this.order);
  }
}

/** Positions 0..size-1 of an offline pool, dealt from a deck; keeps the pass count across pool changes. */
class PoolCycle {
  private deck: Deck | null = null;
  private earlierPasses = 0;
  /** Set when the trainer handed over an empty pool (as opposed to none yet), for a precise error. */
  private emptyPool = false;

  constructor(
    private readonly rng: Rng,
    private readonly what: string,
  ) {}

  get size(): number {
    return this.deck?.size ?? 0;
  }

  get passes(): number {
    return this.earlierPasses + (this.deck?.passes ?? 0);
  }

  reset(size: number): void {
    this.earlierPasses = this.passes;
    this.deck =
      size > 0
        ? new Deck(
            Int32Array.from({ length: size }, (_, i) => i),
            this.rng,
          )
        : null;
    // Stryker disable next-line ConditionalExpression: the flag is only read while there is no deck, that is after a pool of size 0
    this.emptyPool = size === 0;
  }

  take(count: number): Int32Array {
    if (!this.deck) {
      throw new Error(
        this.emptyPool
          ? `the offline miner found no ${this.what} this epoch, so there is nothing to train on; try the "all" or "random" miner, a larger margin, or online mining`
          : `no offline ${this.what} yet: the trainer must mine a pool (setPool) before the first batch`,
      );
    }
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) out[k] = this.deck.draw();
    return out;
  }
}

/**
 * Samples grouped by class (one sorted-by-class order array plus per-class offsets) so that "another sample of
 * this class" and "a sample of any other class" are each one random draw, however unbalanced the classes.
 */
class ClassIndex {
  private readonly order: Int32Array;
  private readonly starts: Int32Array;
  private readonly counts: Int32Array;
  private readonly positionInOrder: Int32Array;

  constructor(
    private readonly labels: Int32Array,
    private readonly numClasses: number,
  ) {
    this.counts = new Int32Array(numClasses);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (!(label >= 0 && label < numClasses)) {
        throw new Error(`sample ${i} has label ${label}, outside the ${numClasses} classes (0..${numClasses - 1})`);
      }
      this.counts[label]++;
    }
    this.starts = new Int32Array(numClasses);
    // Stryker disable next-line EqualityOperator: c = numClasses only writes past the end of `starts`, which a typed array ignores
    for (let c = 1; c < numClasses; c++) this.starts[c] = this.starts[c - 1] + this.counts[c - 1];
    const fill = Int32Array.from(this.starts);
    this.order = new Int32Array(labels.length);
    this.positionInOrder = new Int32Array(labels.length);
    // Stryker disable next-line EqualityOperator: i = labels.length reads no label, so it writes only at NaN or past the end, which typed arrays ignore
    for (let i = 0; i < labels.length; i++) {
      const p = fill[labels[i]]++;
      this.order[p] = i;
      this.positionInOrder[i] = p;
    }
  }

  count(c: number): number {
    return this.counts[c];
  }

  members(c: number): Int32Array {
    return this.order.subarray(this.starts[c], this.starts[c] + this.counts[c]);
  }

  classesWithAtLeast(min: number): number[] {
    const out: number[] = [];
    // Stryker disable next-line EqualityOperator: counts[numClasses] is undefined, which is never >= min
    for (let c = 0; c < this.numClasses; c++) if (this.counts[c] >= min) out.push(c);
    return out;
  }

  /** Samples of the classes with ≥ min samples; throws, naming `purpose`, when there are none. */
  samplesOfClassesWithAtLeast(min: number, purpose: string): Int32Array {
    const classes = this.classesWithAtLeast(min);
    if (classes.length === 0) {
      throw new Error(
        `${purpose} need a class with at least ${min} samples, but every class of the training data has fewer; add samples`,
      );
    }
    const out: number[] = [];
    for (const c of classes) out.push(...this.members(c));
    return Int32Array.from(out);
  }

  /** Throws, naming `purpose`, unless at least two classes have samples (else no negative exists). */
  requireTwoClasses(purpose: string): void {
    const present = this.classesWithAtLeast(1).length;
    if (present < 2) {
      throw new Error(
        `${purpose} need samples of at least 2 classes, but the training data has ${present}; use a dataset with more classes`,
      );
    }
  }

  /** All samples (each has a negative: checked). */
  allSamples(purpose: string): Int32Array {
    this.requireTwoClasses(purpose);
    return Int32Array.from(this.order);
  }

  /** A uniformly chosen sample of i's class other than i (the class must have ≥ 2 samples). */
  otherMemberOfClass(i: number, rng: Rng): number {
    const c = this.labels[i];
    const start = this.starts[c];
    let p = start + rng.int(this.counts[c] - 1);
    if (p >= this.positionInOrder[i]) p++;
    return this.order[p];
  }

  /** A sample chosen uniformly among all samples not of i's class. */
  sampleOfAnotherClass(i: number, rng: Rng): number {
    const c = this.labels[i];
    let p = rng.int(this.labels.length - this.counts[c]);
    if (p >= this.starts[c]) p += this.counts[c];
    return this.order[p];
  }
}
