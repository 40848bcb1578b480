/**
 * Copies of the scatter model's pixel positions, one per frame in flight: the model reuses its buffer for the next
 * frame, which may be asked for before this one is shown, so each frame draws from a copy. A frame's copy comes back
 * when the frame is shown or dropped and serves a later frame, so an animation at 30 frames a second does not leave
 * a fresh 80 kB array (10,000 points) to the collector every frame.
 */
export class PixelPool {
  private readonly free: Float32Array[] = [];

  /** @param keep the most spare copies held (frames in flight at once, at most). */
  constructor(private readonly keep = 4) {}

  /** A copy of `pixels` in a spare array of its length, or a new one. */
  copyOf(pixels: Float32Array): Float32Array {
    const at = this.free.findIndex((spare) => spare.length === pixels.length);
    const copy = at >= 0 ? this.free.splice(at, 1)[0] : new Float32Array(pixels.length);
    copy.set(pixels);
    return copy;
  }

  /** Takes back a copy no frame reads any more (once only; a spare of another length makes room for it). */
  release(copy: Float32Array): void {
    if (this.free.includes(copy)) return;
    if (this.free.length >= this.keep) this.free.shift();
    this.free.push(copy);
  }

  /** Spare copies held. */
  get spare(): number {
    return this.free.length;
  }
}
