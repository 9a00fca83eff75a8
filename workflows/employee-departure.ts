// An employee left the company (deactivated, by any path: the trigger of 0015 starts this): their
// health data is deleted after the grace period by a durable timer. A reactivation (or another
// deactivation) signals the workflow, which re-reads the employee: active again ends it without
// deleting anything; the deleting activity checks once more in its own transaction.
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import { departureChangedSignal } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { departureState, deleteDepartedEmployeeData } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

export interface DepartureInput {
  employeeId: number;
}

export interface DepartureResult {
  outcome: 'deleted' | 'reactivated' | 'gone';
  counts?: { records: number; photos: number; reviews: number };
}

export async function employeeDeparture(input: DepartureInput): Promise<DepartureResult> {
  let changes = 0;
  setHandler(departureChangedSignal, () => {
    changes++;
  });
  for (;;) {
    const seen = changes;
    const s = await departureState({ employeeId: input.employeeId });
    if (s.state === 'gone') return { outcome: 'gone' };
    if (s.state === 'active') return { outcome: 'reactivated' };
    // Date.now() is Temporal's deterministic workflow clock here.
    const waitMs = Date.parse(s.deleteAt) - Date.now();
    if (waitMs > 0) {
      if (await condition(() => changes !== seen, waitMs)) continue;
    }
    const done = await deleteDepartedEmployeeData({ employeeId: input.employeeId });
    if (done.deleted) return { outcome: 'deleted', counts: done.counts };
    // not due after all (reactivated, or deactivated again later): look again
  }
}
