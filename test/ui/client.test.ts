import { describe, expect, it } from 'vitest';
import { backendFromUrl, WorkerClient } from '../../src/ui/worker/client';
import type { Command } from '../../src/worker/protocol';
import { StandInWorker } from '../helpers/worker';

/** A stand-in worker that records the commands it was sent. */
class RecordingWorker extends StandInWorker<Command> {}

describe('WorkerClient', () => {
  it('restarts a crashed worker and replays backend, dataset and configure', () => {
    const workers: RecordingWorker[] = [];
    const client = new WorkerClient(() => {
      const w = new RecordingWorker();
      workers.push(w);
      return w;
    });
    let restarted = 0;
    client.onRestart(() => restarted++);
    const config = {} as never;
    client.send({ type: 'set-backend', backend: 'cpu' });
    client.send({ type: 'load-builtin', requestId: 1, name: 'iris', seed: 1 });
    client.send({ type: 'configure', runId: 3, config });
    client.send({ type: 'train', runId: 3 });
    workers[0].crash();
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(restarted).toBe(1);
    expect(workers[1].sent.map((c) => c.type)).toEqual(['set-backend', 'load-builtin', 'configure']);
  });

  it('replays the dataset and run from before a cancelled download', () => {
    const workers: RecordingWorker[] = [];
    const client = new WorkerClient(() => {
      const w = new RecordingWorker();
      workers.push(w);
      return w;
    });
    const config = {} as never;
    client.send({ type: 'load-builtin', requestId: 1, name: 'iris', seed: 1 });
    client.send({ type: 'configure', runId: 3, config });
    client.send({ type: 'load-builtin', requestId: 2, name: 'fashion-mnist-full', seed: 1 });
    client.send({ type: 'cancel-load', requestId: 2 });
    client.restart();
    const replay = workers[1].sent;
    expect(replay.map((c) => c.type)).toEqual(['load-builtin', 'configure']);
    expect((replay[0] as Extract<Command, { type: 'load-builtin' }>).name).toBe('iris');
  });

  it('replays an upload that was in use with fresh copies of its bytes', () => {
    const workers: RecordingWorker[] = [];
    const client = new WorkerClient(() => {
      const w = new RecordingWorker();
      workers.push(w);
      return w;
    });
    client.send({
      type: 'load-upload',
      requestId: 1,
      files: [{ name: 'a.csv', bytes: new Uint8Array([1, 2, 3]).buffer }],
    });
    client.send({ type: 'use-upload', requestId: 2 });
    client.restart();
    const replay = workers[1].sent;
    expect(replay.map((c) => c.type)).toEqual(['load-upload', 'use-upload']);
    const files = (replay[0] as Extract<Command, { type: 'load-upload' }>).files;
    expect(Array.from(new Uint8Array(files[0].bytes))).toEqual([1, 2, 3]);
  });

  it('delivers events to listeners', () => {
    let worker!: RecordingWorker;
    const client = new WorkerClient(() => (worker = new RecordingWorker()));
    const got: string[] = [];
    client.onEvent((e) => got.push(e.type));
    worker.reply({ type: 'backend', backend: 'cpu' });
    expect(got).toEqual(['backend']);
  });

  it('reads the ?backend= hook', () => {
    expect(backendFromUrl('?backend=wasm')).toBe('wasm');
    expect(backendFromUrl('?debug=1')).toBeNull();
    expect(backendFromUrl('?backend=metal')).toBeNull();
  });
});
