import type { ConsentRequestView } from '../../src/api/index.ts';

/** Exactly what approving sends: each message's recipient, subject, text and payload. */
export function OutgoingReplies({ request }: { request: ConsentRequestView }) {
  const replies = request.replies;
  if (replies === undefined) return <pre className="will-send">{request.willSend}</pre>;
  if (replies.length === 0) return <p>Nothing is sent.</p>;
  return (
    <ol className="outgoing-replies" aria-label="Approving sends">
      {replies.map((reply, index) => (
        <li key={index}>
          <dl>
            <dt>To</dt>
            <dd>{reply.to}</dd>
            <dt>Subject</dt>
            <dd>{reply.subject}</dd>
            <dt>Text</dt>
            <dd>{reply.text}</dd>
            <dt>Request data</dt>
            <dd>
              <pre className="will-send">{reply.payload}</pre>
            </dd>
          </dl>
        </li>
      ))}
    </ol>
  );
}
