import { useQuery } from '@tanstack/react-query';
import { getJson } from '../dataProvider.ts';

/** A dashboard endpoint, refetched every `refreshMs` when given. */
export const useJson = <T>(path: string, refreshMs?: number) =>
  useQuery({ queryKey: ['dashboard', path], queryFn: () => getJson<T>(path), refetchInterval: refreshMs });
