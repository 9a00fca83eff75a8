// The fault matrix in the normal suite, short: 40 employees, one company hour = 6 s, 3 s outages.
// `npm run test:faults` runs the full one (FAULT_MATRIX=full: 300 employees, 30 s outages).
import { test } from 'node:test';
import { runFaultMatrix, type MatrixConfig } from './fault-matrix.ts';

const full = process.env.FAULT_MATRIX === 'full';
const config: MatrixConfig = full
  ? { employees: 300, departments: 10, timeScale: 120, outageMs: 30_000, neverShare: 0.25 }
  : { employees: 40, departments: 4, timeScale: 600, outageMs: 3_000, neverShare: 0.3 };

test(`fault matrix (${full ? 'full' : 'short'}): every level sent once to whoever had not submitted, none after a 2xx`, async () => {
  const report = await runFaultMatrix(import.meta.filename, config);
  console.log(JSON.stringify(report, null, 2));
});
