/**
 * A real host for a TrainingSession in Node: real tfjs backends (WASM or CPU through the CLI's selection), the real
 * clock and real macrotask yields. Tests give how events are posted and where built-in files come from.
 */
import { selectNodeBackend } from '../../src/cli/backend';
import type { BackendName } from '../../src/core/config';
import type { SessionHost } from '../../src/worker/session';

export function nodeSessionHost(parts: Pick<SessionHost, 'post' | 'readAsset'> & Partial<SessionHost>): SessionHost {
  return {
    selectBackend: async (wanted: BackendName) => {
      const r = await selectNodeBackend(wanted === 'wasm' ? 'wasm' : 'cpu');
      return { backend: r.backend, reason: r.fallbackReason };
    },
    now: () => performance.now(),
    yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
    ...parts,
  };
}
