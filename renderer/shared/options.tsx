/** The options of a select from [value, label] pairs, as the staff pages' fixed lists are kept. */
export function Options({ list }: { list: readonly (readonly [string, string])[] }) {
  return (
    <>
      {list.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
