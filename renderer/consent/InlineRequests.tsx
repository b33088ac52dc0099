import { useState } from 'react';
import type { ConsentRequestView } from '../../src/api/index.ts';
import { RequestCard } from './RequestCard.tsx';

/** The requests a message carries, as cards in the reader (a challenge, a vCard, a list, a read notification). */
export function InlineRequests({ requests }: { requests: readonly ConsentRequestView[] }) {
  const [decided, setDecided] = useState<readonly string[]>([]);
  const open = requests.filter((request) => !decided.includes(request.id));
  if (open.length === 0) return null;
  return (
    <section className="inline-requests" aria-label="Requests in this message">
      {open.map((request) => (
        <div key={request.id}>
          {request.payload === undefined ? null : (
            <details>
              <summary>What the sender sent</summary>
              <pre className="payload">{request.payload}</pre>
            </details>
          )}
          <RequestCard
            request={request}
            onDecided={() => {
              setDecided((ids) => [...ids, request.id]);
            }}
          />
        </div>
      ))}
    </section>
  );
}
