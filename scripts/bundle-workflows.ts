// `npm run bundle:workflows -- [out.js]`: writes the pre-built workflow bundle the Docker worker
// loads (`node --import tsx worker/main.ts dist/workflow-bundle.js`).
import { runMain } from '../platform/bootstrap.ts';
import { DEFAULT_BUNDLE_PATH, writeWorkflowBundle } from '../worker/workflow-bundle.ts';

runMain(async () => {
  const out = process.argv[2] ?? DEFAULT_BUNDLE_PATH;
  const bytes = await writeWorkflowBundle(out);
  console.log(`workflow bundle: ${out} (${(bytes / 1024).toFixed(0)} KiB)`);
});
