import { useState } from 'react';
import type { ConsentRequestView, ConsentRule } from '../../src/api/index.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { OutgoingReplies } from './OutgoingReplies.tsx';
import { useAction } from './use-call.ts';
import { VcardCard } from './VcardCard.tsx';

const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  chess: 'Chess',
  vcard: 'Contact card (vCard)',
  mailingList: 'Mailing list',
  disposition: 'Read notification',
};

export function extensionName(extension: string): string {
  return EXTENSION_NAMES[extension] ?? extension;
}

type Remember = 'no' | ConsentRule;

/** One pending request: who asks (verified or not), what approving sends, and the decision. */
export function RequestCard({
  request,
  onDecided,
}: {
  request: ConsentRequestView;
  onDecided?: () => void;
}) {
  const api = useApi();
  const { error, run } = useAction();
  const [notify, setNotify] = useState(false);
  const [remember, setRemember] = useState<Remember>('no');
  const decide = (decision: 'approve' | 'decline') =>
    run(
      () =>
        api.call('decideConsent', {
          id: request.id,
          decision,
          notifySender: decision === 'decline' && notify,
          ...(remember === 'no' ? {} : { remember: { sender: true, rule: remember } }),
        }),
      onDecided,
    );
  return (
    <article className="consent-request" aria-label={`${extensionName(request.extension)} request`}>
      <h3>
        {extensionName(request.extension)} from {request.from.address}
        {request.to === undefined ? null : ` to ${request.to.address}`}{' '}
        <span
          className={request.senderVerified ? 'badge badge-verified' : 'badge badge-unverified'}
        >
          {request.senderVerified ? 'verified sender' : 'NOT verified'}
        </span>
      </h3>
      <p>{request.summary}</p>
      {request.vcard === undefined ? null : <VcardCard card={request.vcard} />}
      {request.heldBecause === 'UNVERIFIED_SENDER' ? (
        <p className="warning">
          Your default would approve this, but the sender is not verified: you decide.
        </p>
      ) : null}
      <p>Approving sends exactly:</p>
      <OutgoingReplies request={request} />
      <label>
        <input
          type="checkbox"
          checked={notify}
          onChange={(event) => {
            setNotify(event.target.checked);
          }}
        />{' '}
        Tell the sender if I decline
      </label>{' '}
      <label>
        Remember for this sender{' '}
        <select
          value={remember}
          onChange={(event) => {
            setRemember(event.target.value as Remember);
          }}
        >
          <option value="no">no</option>
          <option value="always">always approve</option>
          <option value="never">always decline</option>
          <option value="ask">ask me</option>
        </select>
      </label>
      <div className="actions">
        <button type="button" onClick={() => void decide('approve')}>
          {request.vcard?.source === 'received' ? 'Add to contacts' : 'Approve'}
        </button>
        <button type="button" onClick={() => void decide('decline')}>
          Decline
        </button>
      </div>
      <ErrorAlert message={error} />
    </article>
  );
}
