/** One `tab` button per entry, the selected one marked; the caller owns the `tablist`. */
export function TabButtons<Id extends string>({
  tabs,
  selected,
  onSelect,
}: {
  readonly tabs: readonly { readonly id: Id; readonly label: string }[];
  readonly selected: Id;
  readonly onSelect: (id: Id) => void;
}) {
  return (
    <>
      {tabs.map((entry) => (
        <button
          key={entry.id}
          type="button"
          role="tab"
          aria-selected={selected === entry.id}
          onClick={() => {
            onSelect(entry.id);
          }}
        >
          {entry.label}
        </button>
      ))}
    </>
  );
}
