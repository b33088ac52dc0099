import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { RequestCard } from './RequestCard.tsx';
import { useConsentData } from './use-call.ts';

/** Every request waiting for the user's decision. */
export function ConsentCenter() {
  const { data, error, reload } = useConsentData('listConsentRequests', {});
  return (
    <section aria-label="Requests waiting for you">
      <h2>Requests waiting for you</h2>
      <ErrorAlert message={error} />
      {data?.length === 0 ? <p>Nothing is waiting.</p> : null}
      {data?.map((request) => (
        <RequestCard key={request.id} request={request} onDecided={reload} />
      ))}
    </section>
  );
}
