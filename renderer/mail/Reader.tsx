import { useEffect, useMemo, useState } from 'react';
import type { BodyView, MessageRef, MessageSummaryView, MessageView } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { BADGE_LABEL } from './badges.ts';
import { addressLabel, byteSize, fullDate } from './format.ts';
import { mailSrcdoc } from './html-frame.ts';
import type { MailCommand } from './keyboard.ts';
import { MessageActions } from './MessageActions.tsx';
import { InlineRequests } from '../consent/InlineRequests.tsx';
import { CertificateManager } from '../certificates/CertificateManager.tsx';

interface ReaderProps {
  readonly messageRef: MessageRef;
  /** The opened message and its body, once known (reply and forward quote them). */
  readonly onLoaded: (message: MessageView, body: BodyView | undefined) => void;
  /** The message's row in the list, when it is there: its flags are the latest. */
  readonly listed: MessageSummaryView | undefined;
  /** Runs an action on this message (as `message` shows it). */
  readonly onCommand: (command: MailCommand, message: MessageSummaryView) => void;
}

/** Headers and the security summary at once; the body fetched on opening, with progress. */
export function Reader({ messageRef, onLoaded, listed, onCommand }: ReaderProps) {
  const api = useApi();
  const [message, setMessage] = useState<MessageView>();
  const [body, setBody] = useState<BodyView>();
  const [progress, setProgress] = useState<{ received: number; total: number }>();
  const [error, setError] = useState<string>();
  const [showingCertificate, setShowingCertificate] = useState(false);

  useEffect(() => {
    let current = true;
    setMessage(undefined);
    setBody(undefined);
    setProgress(undefined);
    setError(undefined);
    const fail = (failure: unknown) => {
      if (current) setError(describeError(failure));
    };
    api.call('getMessage', { ref: messageRef }).then((view) => {
      if (!current) return;
      setMessage(view);
      onLoaded(view, undefined);
      if (view.summary.unread)
        void api.call('setFlags', { refs: [messageRef], seen: true }).catch(fail);
      api.call('openBody', { ref: messageRef }).then((opened) => {
        if (!current) return;
        setBody(opened);
        onLoaded(view, opened);
      }, fail);
    }, fail);
    return () => {
      current = false;
    };
    // Reopens only when the ref changes; onLoaded is a callback, not an input.
  }, [api, messageRef]);

  useApiEvents((event) => {
    if (event.type === 'body-progress' && event.ref === messageRef)
      setProgress({ received: event.received, total: event.total });
    // A request in this message may reach the consent center after it was opened.
    if (event.type === 'consent-changed') {
      api.call('getMessage', { ref: messageRef }).then(
        (view) => {
          setMessage((shown) => (shown?.summary.ref === view.summary.ref ? view : shown));
        },
        () => undefined,
      );
    }
  });

  const allow = (scope: 'message' | 'sender') => {
    api.call('allowRemoteContent', { ref: messageRef, scope }).then(setBody, (failure: unknown) => {
      setError(describeError(failure));
    });
  };

  if (message === undefined) {
    return (
      <article className="reader" aria-label="Message">
        {error === undefined ? <p role="status">Opening…</p> : <ErrorAlert message={error} />}
      </article>
    );
  }
  const { summary, security } = message;
  return (
    <article className="reader" aria-label="Message">
      <MessageActions message={listed ?? summary} onCommand={onCommand} />
      <header>
        <h2>{summary.subject || '(no subject)'}</h2>
        <dl className="headers">
          <dt>From</dt>
          <dd>{addressLabel(summary.from)}</dd>
          <dt>To</dt>
          <dd>{summary.to.map(addressLabel).join(', ')}</dd>
          {message.cc.length > 0 ? (
            <>
              <dt>Cc</dt>
              <dd>{message.cc.map(addressLabel).join(', ')}</dd>
            </>
          ) : null}
          <dt>Date</dt>
          <dd>
            <time dateTime={summary.date}>{fullDate(summary.date)}</time>
          </dd>
        </dl>
        <section className={`security badge-${security.badge}`} aria-label="Security">
          <p>
            <strong>{BADGE_LABEL[security.badge]}.</strong> {security.summary}
          </p>
          {security.encryptedParts.length > 0 ? (
            <p>Encrypted: {security.encryptedParts.join(' and ')}.</p>
          ) : null}
          {[
            ...security.signature.reasons,
            ...security.trace.reasons,
            ...(security.certificate?.reasons ?? []),
          ]
            .filter((reason) => reason.text !== security.summary)
            .map((reason) => (
              <p key={`${reason.code}:${reason.text}`} className="reason">
                {reason.text}
              </p>
            ))}
          {security.certificate === undefined ? null : (
            <button
              type="button"
              onClick={() => {
                setShowingCertificate(true);
              }}
            >
              Certificate details
            </button>
          )}
        </section>
        {showingCertificate && security.certificate !== undefined ? (
          <CertificateManager
            show={{
              fingerprint: security.certificate.certificate.fingerprint,
              message: messageRef,
            }}
            onClose={() => {
              setShowingCertificate(false);
            }}
          />
        ) : null}
        {summary.deliveryProblem === undefined ? null : (
          <p role="alert" className="error">
            {summary.deliveryProblem}
          </p>
        )}
      </header>
      <ErrorAlert message={error} />
      <InlineRequests requests={message.requests} />
      <BodySection
        body={body}
        size={message.body.size}
        progress={progress}
        onAllow={allow}
        messageRef={messageRef}
      />
    </article>
  );
}

interface BodySectionProps {
  readonly body: BodyView | undefined;
  readonly size: number;
  readonly progress: { received: number; total: number } | undefined;
  readonly onAllow: (scope: 'message' | 'sender') => void;
  readonly messageRef: MessageRef;
}

function BodySection({ body, size, progress, onAllow, messageRef }: BodySectionProps) {
  const html = body?.html;
  const allowRemote = body?.remoteContent.allowed ?? false;
  // mailSrcdoc scans the whole HTML; redo it only when the HTML or the remote-content choice changes.
  const srcdoc = useMemo(
    () => (html === undefined ? undefined : mailSrcdoc(html, allowRemote)),
    [html, allowRemote],
  );
  if (body === undefined) {
    const total = progress?.total ?? size;
    return (
      <div className="body-loading">
        <label>
          Loading the message body…
          <progress
            max={total > 0 ? total : undefined}
            value={progress?.received ?? 0}
            aria-label="Body download"
          />
        </label>
      </div>
    );
  }
  return (
    <section className="body" aria-label="Message body">
      {body.remoteContent.present && !body.remoteContent.allowed ? (
        <div role="region" aria-label="Remote content" className="remote-banner">
          <p>
            Remote content in this message is blocked (it could tell the sender when you read it).
          </p>
          <button
            type="button"
            onClick={() => {
              onAllow('message');
            }}
          >
            Load for this message
          </button>
          <button
            type="button"
            onClick={() => {
              onAllow('sender');
            }}
          >
            Always load from this sender
          </button>
        </div>
      ) : null}
      {srcdoc === undefined ? (
        <pre className="text-body">{body.text ?? ''}</pre>
      ) : (
        <iframe title="Message content" sandbox="" srcDoc={srcdoc} className="html-body" />
      )}
      {body.attachments.length > 0 ? (
        <ul className="attachments" aria-label="Attachments">
          {body.attachments.map((attachment) => (
            <li key={attachment.index}>
              <AttachmentButton
                messageRef={messageRef}
                index={attachment.index}
                label={`${attachment.filename} (${byteSize(attachment.size)})`}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function AttachmentButton({
  messageRef,
  index,
  label,
}: {
  messageRef: MessageRef;
  index: number;
  label: string;
}) {
  const api = useApi();
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      const data = await api.call('getAttachment', { ref: messageRef, index });
      const bytes = Uint8Array.from(atob(data.data), (char) => char.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = data.filename;
      link.click();
      URL.revokeObjectURL(url);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <>
      <button type="button" onClick={() => void save()}>
        Save {label}
      </button>
      <ErrorAlert message={error} />
    </>
  );
}
