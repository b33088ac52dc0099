import { useState, type SyntheticEvent } from 'react';
import type { CaResolverView, TrustSettingsView } from '../../src/api/index.ts';
import { useTrustSettings } from './use-trust-settings.ts';
import { TextField } from '../app/TextField.tsx';

const DNS_PORT = 53;

/** The fields' text as resolvers, in the order they are asked: folder, DNS, LDAP. */
function resolversOf(folder: string, dns: string, ldap: string): CaResolverView[] {
  const resolvers: CaResolverView[] = [];
  if (folder.trim() !== '') resolvers.push({ kind: 'static-file', folder: folder.trim() });
  if (dns.trim() !== '') {
    const [, host = '', port] = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(dns.trim()) ?? [];
    resolvers.push({ kind: 'dns', host, port: port === undefined ? DNS_PORT : Number(port) });
  }
  if (ldap.trim() !== '') resolvers.push({ kind: 'ldap', url: ldap.trim() });
  return resolvers;
}

function fieldOf(resolvers: readonly CaResolverView[], kind: CaResolverView['kind']): string {
  const found = resolvers.find((resolver) => resolver.kind === kind);
  if (found === undefined) return '';
  switch (found.kind) {
    case 'static-file':
      return found.folder;
    case 'dns':
      return `${found.host}:${String(found.port)}`;
    case 'ldap':
      return found.url;
  }
}

/** Delegated CA validation on or off, and where other domains' CAs are looked up. */
export function DelegatedValidation({ onSaved }: { readonly onSaved: () => void }) {
  const [settings, setSettings] = useState<TrustSettingsView>();
  const [delegated, setDelegated] = useState(false);
  const [folder, setFolder] = useState('');
  const [dns, setDns] = useState('');
  const [ldap, setLdap] = useState('');

  const show = (loaded: TrustSettingsView) => {
    setSettings(loaded);
    setDelegated(loaded.delegatedValidation);
    setFolder(fieldOf(loaded.resolvers, 'static-file'));
    setDns(fieldOf(loaded.resolvers, 'dns'));
    setLdap(fieldOf(loaded.resolvers, 'ldap'));
  };
  const { message, save } = useTrustSettings(show, onSaved);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (settings === undefined) return;
    await save(
      {
        blacklistedIssuerDomains: [...settings.blacklistedIssuerDomains],
        vouchedAddresses: [...settings.vouchedAddresses],
        trustedGatewayHosts: [...settings.trustedGatewayHosts],
        delegatedValidation: delegated,
        resolvers: resolversOf(folder, dns, ldap),
      },
      'Saved; certificates are checked again with it.',
    );
  };

  if (settings === undefined) {
    return message === undefined ? <p>Loading…</p> : <p role="alert">{message}</p>;
  }
  return (
    <form
      className="trust-settings"
      aria-label="Looking up other domains’ authorities"
      onSubmit={(e) => void submit(e)}
    >
      <h3>Other domains’ authorities</h3>
      <label>
        <input
          type="checkbox"
          checked={delegated}
          onChange={(e) => {
            setDelegated(e.target.checked);
          }}
        />
        Look up other domains’ authorities (delegated validation)
      </label>
      <p>Asked in this order until one knows the domain:</p>
      <TextField
        label="Folder of CA files named DOMAIN.pem (a path on this computer)"
        value={folder}
        onChange={setFolder}
      />
      <TextField label="DNS server (host or host:port)" value={dns} onChange={setDns} />
      <TextField label="LDAP directory (ldap://host:port)" value={ldap} onChange={setLdap} />
      <button type="submit">Save authority lookup</button>
      {message === undefined ? null : <p role="status">{message}</p>}
    </form>
  );
}
