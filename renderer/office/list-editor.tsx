/**
 * A list of the branch configuration edited as a table (services, counters): a row of cells
 * per item with a Remove button at its end, and an Add button under the table. The caller
 * supplies the headers and each row's cells; adding and removing go through its `edit`.
 */
import type { ComponentChildren } from 'preact';

export interface ListEditorProps<T> {
  items: T[];
  headers: ComponentChildren[];
  /** The row's data attribute (e.g. data-service-row) and its value for an item, used by tests and styles. */
  rowAttribute: `data-${string}`;
  rowId: (item: T) => string;
  /** The row's cells (`<td>`s), before the Remove cell. */
  cells: (item: T, index: number) => ComponentChildren;
  removeLabel: (item: T) => string;
  onRemove: (index: number) => void;
  /** The Add button: its data-action and its text. */
  addAction: string;
  addLabel: string;
  onAdd: () => void;
}

export function ListEditor<T>(p: ListEditorProps<T>) {
  return (
    <>
      <table class="grid-form">
        <thead>
          <tr>
            {p.headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {p.items.map((item, i) => (
            // Keyed by position: a new row's id is typed in, so it cannot be the key.
            <tr key={i} {...{ [p.rowAttribute]: p.rowId(item) }}>
              {p.cells(item, i)}
              <td>
                <button type="button" aria-label={p.removeLabel(item)} onClick={() => p.onRemove(i)}>
                  删除 · Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-action={p.addAction} onClick={p.onAdd}>
        {p.addLabel}
      </button>
    </>
  );
}
