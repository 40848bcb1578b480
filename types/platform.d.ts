/**
 * The few platform globals the core may use: those that browsers, web workers and Node all provide. The core is
 * type-checked against these and the ECMAScript library only (tsconfig.core.json), so a DOM-only or worker-only
 * global in src/core is a compile error. Declared as narrowly as the core uses them.
 */

declare function structuredClone<T>(value: T): T;

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

declare class URLSearchParams {
  constructor(init?: string);
  get(name: string): string | null;
  has(name: string): boolean;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, string]>;
  forEach(callback: (value: string, key: string) => void): void;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

interface Response {
  readonly ok: boolean;
  readonly status: number;
  /** The body as a stream of chunks, read for download progress (null for an empty body). */
  readonly body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

declare function fetch(input: string, init?: { signal?: AbortSignal }): Promise<Response>;

/** A cancel flag handed to long reads (AbortController's signal); the core only reads `aborted`. */
interface AbortSignal {
  readonly aborted: boolean;
}

declare function setTimeout(callback: (value?: unknown) => void, ms?: number): unknown;

/** WebAssembly, as far as the Gram scan kernel (src/core/metrics/gramScan.ts) uses it. */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  function validate(bytes: Uint8Array): boolean;
}
