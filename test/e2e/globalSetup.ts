/** Vitest global setup of the e2e suite: build and serve the app once, hand its origin to every test file. */
import type { TestProject } from 'vitest/node';
import { startPreview } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the preview server, e.g. `http://127.0.0.1:41234`. */
    baseUrl: string;
  }
}

/** Returns the teardown that stops the server. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPreview();
  project.provide('baseUrl', server.baseUrl);
  return () => server.stop();
}
