import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { AccountView, DraftInput } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { TextField } from '../app/TextField.tsx';
import { fileToBase64 } from '../onboarding/file-base64.ts';
import type { ComposeSeed } from './compose-seed.ts';
import { byteSize, parseAddressList } from './format.ts';

interface ComposerProps {
  /** The accounts that can send; the first unless the seed names one. */
  readonly accounts: readonly AccountView[];
  readonly seed: ComposeSeed;
  readonly onClose: () => void;
}

/** The composer, as a modal dialog. Sending queues the message in the outbox. */
export function Composer({ accounts, seed, onClose }: ComposerProps) {
  const api = useApi();
  const dialog = useRef<HTMLDialogElement>(null);
  const [accountId, setAccountId] = useState(seed.accountId ?? accounts[0]?.id ?? '');
  const [to, setTo] = useState(seed.to);
  const [cc, setCc] = useState(seed.cc);
  const [subject, setSubject] = useState(seed.subject);
  const [text, setText] = useState(seed.text);
  const [files, setFiles] = useState<readonly File[]>([]);
  const [sign, setSign] = useState(true);
  const [encrypt, setEncrypt] = useState(false);
  const [readNotification, setReadNotification] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  // Closing a message with something written in it asks first: nothing is lost to a
  // stray Escape.
  const [askingToDiscard, setAskingToDiscard] = useState(false);
  const edited =
    to !== seed.to ||
    cc !== seed.cc ||
    subject !== seed.subject ||
    text !== seed.text ||
    files.length > 0;
  const discard = () => {
    if (edited) setAskingToDiscard(true);
    else onClose();
  };

  const toField = useRef<HTMLInputElement>(null);
  const messageField = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
    // Opening the dialog focuses its first field; a reply starts above the quote instead.
    if (seed.to === '') toField.current?.focus();
    else {
      messageField.current?.focus();
      messageField.current?.setSelectionRange(0, 0);
    }
  }, [seed.to]);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const attachments = await Promise.all(
        files.map(async (file) => ({
          filename: file.name,
          contentType: file.type === '' ? 'application/octet-stream' : file.type,
          data: await fileToBase64(file),
        })),
      );
      const draft: DraftInput = {
        accountId,
        to: parseAddressList(to),
        cc: parseAddressList(cc),
        subject,
        text,
        attachments,
        sign,
        encrypt,
        requestReadNotification: readNotification,
        ...(seed.inReplyTo === undefined ? {} : { inReplyTo: seed.inReplyTo }),
        ...(seed.forwardOf === undefined ? {} : { forwardOf: seed.forwardOf }),
      };
      await api.call('send', draft);
      onClose();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="composer"
      aria-label="Compose message"
      onCancel={(event) => {
        event.preventDefault();
        // Escape while asking means "keep writing".
        if (askingToDiscard) setAskingToDiscard(false);
        else discard();
      }}
    >
      <form
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          // Ctrl+Enter (Cmd+Enter on a Mac) sends from any field, checked like the button.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.requestSubmit();
          }
        }}
      >
        {accounts.length > 1 ? (
          <label>
            From
            <select
              value={accountId}
              onChange={(e) => {
                setAccountId(e.target.value);
              }}
            >
              {accounts.map((account) => (
                <option key={account.id} value={account.id}>
                  {account.address}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <TextField label="To" ref={toField} value={to} onChange={setTo} required />
        <TextField label="Cc" value={cc} onChange={setCc} />
        <TextField label="Subject" maxLength={998} value={subject} onChange={setSubject} />
        <label className="text">
          Message
          <textarea
            ref={messageField}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
            }}
            rows={14}
          />
        </label>
        <label>
          Attachments
          <input
            type="file"
            multiple
            onChange={(e) => {
              setFiles(Array.from(e.target.files ?? []));
            }}
          />
        </label>
        {files.length > 0 ? (
          <ul aria-label="Attached files">
            {files.map((file) => (
              <li key={file.name}>
                {file.name} ({byteSize(file.size)})
              </li>
            ))}
          </ul>
        ) : null}
        <fieldset className="options">
          <legend>Options</legend>
          <label>
            <input
              type="checkbox"
              checked={sign}
              onChange={(e) => {
                setSign(e.target.checked);
              }}
            />{' '}
            Sign
          </label>
          <label>
            <input
              type="checkbox"
              checked={encrypt}
              onChange={(e) => {
                setEncrypt(e.target.checked);
              }}
            />{' '}
            Encrypt
          </label>
          <label>
            <input
              type="checkbox"
              checked={readNotification}
              onChange={(e) => {
                setReadNotification(e.target.checked);
              }}
            />{' '}
            Ask for a read notification
          </label>
        </fieldset>
        <ErrorAlert message={error} />
        {askingToDiscard ? (
          <div role="alert" className="discard-question">
            <p>Discard this message? What you wrote will be lost.</p>
            <button
              type="button"
              autoFocus
              onClick={() => {
                setAskingToDiscard(false);
              }}
            >
              Keep writing
            </button>
            <button type="button" onClick={onClose}>
              Discard message
            </button>
          </div>
        ) : null}
        <div className="actions">
          <button type="button" onClick={discard}>
            Discard
          </button>
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
