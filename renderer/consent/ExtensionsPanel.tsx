import { useState } from 'react';
import { TabButtons } from '../app/TabButtons.tsx';
import { ChessGames } from './ChessGames.tsx';
import { ConsentCenter } from './ConsentCenter.tsx';
import { ConsentSettings } from './ConsentSettings.tsx';

type Tab = 'requests' | 'chess' | 'settings';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'requests', label: 'Requests' },
  { id: 'chess', label: 'Chess' },
  { id: 'settings', label: 'Settings' },
];

/** The consent center, chess games and extension settings, as a dialog over the mailbox. */
export function ExtensionsPanel({ initial, onClose }: { initial: Tab; onClose: () => void }) {
  const [tab, setTab] = useState<Tab>(initial);
  return (
    <div className="extensions-panel" role="dialog" aria-label="Extensions" aria-modal="false">
      <div role="tablist">
        <TabButtons tabs={TABS} selected={tab} onSelect={setTab} />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {tab === 'requests' ? <ConsentCenter /> : null}
      {tab === 'chess' ? <ChessGames /> : null}
      {tab === 'settings' ? <ConsentSettings /> : null}
    </div>
  );
}
