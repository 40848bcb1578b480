import { describe, expect, it } from 'vitest';
import { chooseBackend, decideAfterProbe, softwareRendererName } from '../../src/worker/backend';
import type { ActiveBackend } from '../../src/worker/protocol';

describe('backend decision', () => {
  it('recognises software renderers and leaves real GPUs alone', () => {
    expect(
      softwareRendererName(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe('SwiftShader');
    expect(softwareRendererName('llvmpipe (LLVM 15.0.7, 256 bits)')).toBe('llvmpipe');
    expect(softwareRendererName('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)')).toBeNull();
    expect(softwareRendererName(undefined)).toBeNull();
  });

  it('auto on a software renderer prefers WASM and says why', () => {
    const d = decideAfterProbe('auto', { ok: true, renderer: 'Google SwiftShader' });
    expect(d).toEqual({
      try: 'wasm',
      reason: 'WebGL is a software renderer (SwiftShader); WASM is faster here',
      renderer: 'Google SwiftShader',
    });
  });

  it('auto on a real GPU and forced webgl on a software renderer both use WebGL', () => {
    expect(decideAfterProbe('auto', { ok: true, renderer: 'Apple M2' })).toEqual({
      use: 'webgl',
      renderer: 'Apple M2',
    });
    expect(decideAfterProbe('webgl', { ok: true, renderer: 'Google SwiftShader' })).toEqual({
      use: 'webgl',
      renderer: 'Google SwiftShader',
    });
  });

  it('a WebGL failure falls back to WASM with the failure in the reason', () => {
    const d = decideAfterProbe('webgl', { ok: false, error: 'no WebGL2 context' });
    expect('try' in d && d.try).toBe('wasm');
    expect('try' in d && d.reason).toMatch(/WebGL could not start \(no WebGL2 context\)/);
  });

  it('failures fall through webgl → wasm → cpu, each recorded', async () => {
    const tried: ActiveBackend[] = [];
    const starts = async (b: ActiveBackend) => {
      tried.push(b);
      return b === 'cpu' ? null : `${b} broke`;
    };
    const chosen = await chooseBackend('webgl', starts);
    expect(tried).toEqual(['webgl', 'wasm', 'cpu']);
    expect(chosen.backend).toBe('cpu');
    expect(chosen.reason).toBe('WEBGL could not start (webgl broke); WASM could not start (wasm broke)');
    const wasm = await chooseBackend('wasm', async () => null);
    expect(wasm).toEqual({ backend: 'wasm', reason: undefined });
    await expect(chooseBackend('cpu', async () => 'gone')).rejects.toThrow(/no tfjs backend could start/);
  });
});
