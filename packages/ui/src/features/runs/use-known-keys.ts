/**
 * The param, metric and tag keys the filter autocomplete offers: those of the runs on screen merged
 * with those of a sample of the experiments' runs taken without the filter, so narrowing the table
 * does not narrow the keys one can filter on next.
 */
import { useMemo } from 'react';
import type { RunJson } from '@loom/protocol';
import { loom } from '../../api';
import { useAsync } from '../../lib/use-async';
import { collectKeys, mergeKeys, type RunKeys } from './run-columns';

/** Runs sampled for keys: enough to see every key of a typical sweep, small enough to be quick. */
const SAMPLE_RUNS = 500;

/** Known keys of `experimentIds`, including those of `loaded` runs. */
export function useKnownKeys(experimentIds: string[], loaded: readonly RunJson[]): RunKeys {
  const sample = useAsync(
    (signal) => loom.searchRuns({ experimentIds, maxResults: SAMPLE_RUNS, runViewType: 'ALL' }, { signal }),
    [experimentIds],
  );
  const sampleKeys = useMemo(() => collectKeys(sample.data?.runs ?? []), [sample.data]);
  const loadedKeys = useMemo(() => collectKeys(loaded), [loaded]);
  return useMemo(() => mergeKeys(sampleKeys, loadedKeys), [sampleKeys, loadedKeys]);
}
