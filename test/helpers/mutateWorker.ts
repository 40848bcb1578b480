/**
 * Setup file of vitest.mutate.config.ts (mutation runs only), executed inside the Vitest worker thread.
 *
 * On "stop" Vitest's worker tears down its run and then removes every "message" listener of the thread's port,
 * its own request handler included, expecting the thread to be terminated. The mutation config parks the thread
 * for the next run instead, so the request handler (registered when the thread starts, before this file first
 * runs) must survive. From here on the port records the "message" listeners added to it and a remove-all removes
 * exactly those: each run's RPC listener goes with its run, the request handler stays.
 */
import { parentPort } from 'node:worker_threads';

type Listener = (value: unknown) => void;
type Port = NonNullable<typeof parentPort> & { __keepsRequestHandler?: true };
const port = parentPort as Port | null;

if (port && !port.__keepsRequestHandler) {
  port.__keepsRequestHandler = true;
  const added = new Set<Listener>();
  const on = port.on.bind(port);
  const off = port.off.bind(port);
  const removeAll = port.removeAllListeners.bind(port);
  port.on = port.addListener = ((event: string | symbol, listener: Listener) => {
    if (event === 'message') added.add(listener);
    return on(event as 'message', listener);
  }) as Port['on'];
  port.off = port.removeListener = ((event: string | symbol, listener: Listener) => {
    if (event === 'message') added.delete(listener);
    return off(event as 'message', listener);
  }) as Port['off'];
  port.removeAllListeners = ((event?: string | symbol) => {
    if (event !== undefined && event !== 'message') return removeAll(event as 'message');
    for (const listener of added) off('message', listener);
    added.clear();
    return port;
  }) as Port['removeAllListeners'];
}
