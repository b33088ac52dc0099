import { useState } from 'react';
import { ExtensionsPanel } from './ExtensionsPanel.tsx';
import { useConsentData } from './use-call.ts';

/** The toolbar's "Requests (n)" button, opening the extensions panel. */
export function ExtensionsButton() {
  const [open, setOpen] = useState(false);
  const { data } = useConsentData('listConsentRequests', {});
  const pending = data?.length ?? 0;
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
        }}
      >
        Requests ({pending}) · Chess · Extensions
      </button>
      {open ? (
        <ExtensionsPanel
          initial="requests"
          onClose={() => {
            setOpen(false);
          }}
        />
      ) : null}
    </>
  );
}
