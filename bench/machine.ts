// The machine line every benchmark section in RESULTS.md starts with.
import { cpus, totalmem } from 'node:os';

export const machine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
