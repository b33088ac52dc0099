export function ErrorAlert({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
