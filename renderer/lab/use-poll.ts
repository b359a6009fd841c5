/** Polls a lab endpoint: the simulators change state on their own (the kiosk prints, a card is read). */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../shared/api.js';

export function usePoll<T>(path: string, everyMs = 700): { data: T | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const reload = useCallback(() => {
    api<T>('GET', path).then(setData, () => undefined);
  }, [path]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, reload };
}
