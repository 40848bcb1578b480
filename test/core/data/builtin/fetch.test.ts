/** The browser path: built-ins loaded over HTTP from a real local server serving public/datasets. */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAssetReader, loadBuiltinDataset } from '../../../../src/core/data/builtin';
import { nodeAssetReader, DEFAULT_DATASETS_ROOT } from '../../../../src/cli/assets';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const name = (req.url ?? '').replace(/^\/datasets\//, '');
    try {
      if (name.includes('/') || name.includes('..')) throw new Error('bad path');
      const body = await readFile(join(DEFAULT_DATASETS_ROOT, name));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchAssetReader', () => {
  it('loads a built-in over HTTP exactly as from disk', async () => {
    const viaHttp = await loadBuiltinDataset('digits', fetchAssetReader(base));
    const viaDisk = await loadBuiltinDataset('digits', nodeAssetReader());
    expect(viaHttp.numSamples).toBe(1797);
    expect(viaHttp.features).toEqual(viaDisk.features);
    expect(viaHttp.labels).toEqual(viaDisk.labels);
  });

  it('names the file and the status when the server has no such file', async () => {
    await expect(fetchAssetReader(base)('missing.bin')).rejects.toThrow(
      'could not download the built-in dataset file missing.bin: HTTP 404',
    );
  });
});
