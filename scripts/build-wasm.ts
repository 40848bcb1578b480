/**
 * `npm run build:wasm`: assembles src/core/metrics/gramScan.wat (WebAssembly text) with wabt and writes its bytes, in
 * hex, to src/core/metrics/gramScanKernel.ts, so the page, the workers and the CLI load the kernel with no build step
 * and no fetch. A test assembles the text again and fails when the committed bytes differ from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = fileURLToPath(new URL('..', import.meta.url));
export const KERNEL_SOURCE = `${root}src/core/metrics/gramScan.wat`;
const KERNEL_TARGET = `${root}src/core/metrics/gramScanKernel.ts`;

/** The bytes of a WebAssembly text file, SIMD enabled, validated. */
export async function assemble(path: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that carries `bytes`. */
export function kernelModule(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  const lines = (hex.match(/.{1,100}/g) ?? []).map((line) => `  '${line}'`);
  return [
    '/** The bytes of gramScan.wat, written by `npm run build:wasm` (edit the .wat and rebuild, never this file). */',
    'export const GRAM_SCAN_WASM_HEX =',
    `${lines.join(' +\n')};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await assemble(KERNEL_SOURCE);
  writeFileSync(KERNEL_TARGET, kernelModule(bytes));
  console.log(`wrote ${KERNEL_TARGET} (${bytes.length} bytes of WebAssembly)`);
}
