import { useEffect, useState } from 'react';
import type { ApiParams, TrustSettingsView } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';

/**
 * The trust settings for a form: loaded once into `show`; `save` writes an update,
 * shows what the engine kept and says `done` (or why it failed) in `message`.
 */
export function useTrustSettings(
  show: (settings: TrustSettingsView) => void,
  onSaved: () => void,
): {
  readonly message: string | undefined;
  readonly save: (update: ApiParams<'setTrustSettings'>, done: string) => Promise<void>;
} {
  const api = useApi();
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    api.call('trustSettings', {}).then(show, (failure: unknown) => {
      setMessage(describeError(failure));
    });
  }, [api]);
  const save = async (update: ApiParams<'setTrustSettings'>, done: string) => {
    try {
      show(await api.call('setTrustSettings', update));
      setMessage(done);
      onSaved();
    } catch (failure) {
      setMessage(describeError(failure));
    }
  };
  return { message, save };
}
