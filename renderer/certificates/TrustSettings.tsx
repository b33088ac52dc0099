import { useState, type SyntheticEvent } from 'react';
import type { TrustSettingsView } from '../../src/api/index.ts';
import { useTrustSettings } from './use-trust-settings.ts';

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * Blacklisted issuer domains, the vouch list and trusted gateways. Delegated validation
 * is set under Authorities (DelegatedValidation); saving here leaves it out, so it stays.
 */
export function TrustSettings({ onSaved }: { readonly onSaved: () => void }) {
  const [blacklist, setBlacklist] = useState('');
  const [vouched, setVouched] = useState('');
  const [gateways, setGateways] = useState('');
  // The fields appear once loaded: typing before would be overwritten by the load.
  const [loaded, setLoaded] = useState(false);

  const show = (settings: TrustSettingsView) => {
    setBlacklist(settings.blacklistedIssuerDomains.join('\n'));
    setVouched(settings.vouchedAddresses.join('\n'));
    setGateways(settings.trustedGatewayHosts.join('\n'));
    setLoaded(true);
  };
  const { message, save } = useTrustSettings(show, onSaved);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    await save(
      {
        blacklistedIssuerDomains: lines(blacklist),
        vouchedAddresses: lines(vouched),
        trustedGatewayHosts: lines(gateways),
      },
      'Trust settings saved; messages are checked again with them.',
    );
  };

  if (!loaded) return message === undefined ? <p>Loading…</p> : <p role="alert">{message}</p>;
  return (
    <form className="trust-settings" aria-label="Trust settings" onSubmit={(e) => void submit(e)}>
      <label>
        Never trust certificates issued by these domains (one a line)
        <textarea
          value={blacklist}
          onChange={(e) => {
            setBlacklist(e.target.value);
          }}
        />
      </label>
      <label>
        Addresses I vouch for (one a line)
        <textarea
          value={vouched}
          onChange={(e) => {
            setVouched(e.target.value);
          }}
        />
      </label>
      <label>
        Gateway hosts I trust to relay for others (one a line)
        <textarea
          value={gateways}
          onChange={(e) => {
            setGateways(e.target.value);
          }}
        />
      </label>
      <button type="submit">Save trust settings</button>
      {message === undefined ? null : <p role="status">{message}</p>}
    </form>
  );
}
