import type { VcardPreviewView } from '../../src/api/index.ts';

function Field({ name, value }: { name: string; value: string }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A vCard as a small card: name, organization, emails, phones. */
export function VcardCard({ card }: { card: VcardPreviewView }) {
  const heading = card.source === 'received' ? 'Contact card received' : 'Your card, to be sent';
  return (
    <section className="vcard-card" aria-label={heading}>
      <h4>{heading}</h4>
      <dl>
        <Field name="Name" value={card.fullName} />
        {card.organization === undefined ? null : (
          <Field name="Organization" value={card.organization} />
        )}
        {card.emails.map((email) => (
          <Field key={`email ${email}`} name="Email" value={email} />
        ))}
        {card.phones.map((phone) => (
          <Field key={`phone ${phone}`} name="Phone" value={phone.replace(/^tel:/, '')} />
        ))}
      </dl>
    </section>
  );
}
