import { useQuery } from '@tanstack/react-query';
import { getJson } from '../dataProvider.ts';

/** A dashboard endpoint, refetched every `refreshMs` when given; not fetched while `path` is null. */
export const useJson = <T>(path: string | null, refreshMs?: number) =>
  useQuery({
    queryKey: ['dashboard', path],
    queryFn: () => getJson<T>(path as string),
    refetchInterval: refreshMs,
    enabled: path !== null,
  });
