// The workflows as one pre-built bundle: the Docker image builds it once (scripts/bundle-workflows.ts)
// and the worker loads it, instead of running webpack at every start; `npm test` builds one per run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorsPath, workflowsPath } from './create-worker.ts';

/** Where the image keeps the bundle (relative to the app root; docker/compose.yaml passes it to the worker). */
export const DEFAULT_BUNDLE_PATH = 'dist/workflow-bundle.js';

/** Bundles workflows/index.ts and its imports into `outPath`; returns its size in bytes. */
export async function writeWorkflowBundle(outPath: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // the trace header pass-through (workflows/tracing-interceptors.ts): inert while tracing is off
    workflowInterceptorModules: [workflowInterceptorsPath],
    logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} },
  });
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
  return Buffer.byteLength(code);
}
