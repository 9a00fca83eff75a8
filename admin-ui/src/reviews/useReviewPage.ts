// The review page's data from /api/ra/reviews/:id (getOne): readings, who decided, who it waits for, whether
// the signed-in person may decide, and the names its history refers to.
import { useQuery } from '@tanstack/react-query';
import type { ReviewHistoryEvent } from '../../../domain/review-status.ts';
import { getJson } from '../dataProvider.ts';

type Text = { zh: string; en: string };

export interface ReviewPageData {
  id: number;
  status: 'pending' | 'recheck_requested' | 'approved' | 'rejected';
  escalated: boolean;
  decision: string | null;
  decided_at: string | null;
  decider_name: string | null;
  comment: string | null;
  can_decide: boolean;
  readings: {
    recordId: number;
    submittedAt: string;
    severity: 'normal' | 'warning' | 'red';
    current: boolean;
    reasons: Text[];
    answers: { key: string; label: Text; value: Text }[];
  }[];
  waiting_for: {
    source: 'manager' | 'hr_contact' | 'company_hr';
    inherited: boolean;
    department_name: string | null;
    people: { id: number; name: string }[];
  }[];
  history: {
    at: string;
    event: ReviewHistoryEvent;
    actorId?: number;
    decision?: string;
    comment?: string;
    to?: number[];
    severity?: 'normal' | 'warning' | 'red';
  }[];
  people: Record<string, string>;
}

export const useReviewPage = (id: number | string | undefined) =>
  useQuery({
    queryKey: ['review-page', id],
    queryFn: () => getJson<ReviewPageData>(`/api/ra/reviews/${id}`),
    enabled: id !== undefined,
  });
