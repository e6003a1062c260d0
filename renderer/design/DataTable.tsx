// Tabular data with real table semantics: a caption, column headers with scope, and an
// optional row header column, so screen readers announce each cell with its headers.
import type { ReactNode } from 'react';
import { cx } from './classes';

export interface Column<Row> {
  key: string;
  header: ReactNode;
  render: (row: Row) => ReactNode;
  /** This column names the row (rendered as <th scope="row">). */
  rowHeader?: boolean;
  className?: string;
  align?: 'start' | 'end';
}

export interface DataTableProps<Row> {
  caption: ReactNode;
  /** Hide the caption visually (it stays available to assistive technology). */
  captionHidden?: boolean;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  rowClassName?: (row: Row) => string | undefined;
  /** A stable identifier written to the row as data-row-id (for tests and deep links). */
  rowId?: (row: Row) => string;
  className?: string;
  /** Limit the height and scroll; the scroll area then takes focus so keys can scroll it. */
  scrollLabel?: string;
}

export function DataTable<Row>({ caption, captionHidden = false, columns, rows, rowKey, rowClassName, rowId, className, scrollLabel }: DataTableProps<Row>) {
  const scroll = scrollLabel ? { tabIndex: 0, role: 'region', 'aria-label': scrollLabel } : {};
  return (
    <div className={cx('table-wrap', scrollLabel && 'table-wrap--scroll', className)} {...scroll}>
      <table className="table">
        <caption className={cx('table__caption', captionHidden && 'visually-hidden')}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={cx(column.className, column.align === 'end' && 'align-end')}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)} data-row-id={rowId?.(row)}>
              {columns.map((column) => {
                const Cell = column.rowHeader ? 'th' : 'td';
                return (
                  <Cell key={column.key} scope={column.rowHeader ? 'row' : undefined} className={cx(column.className, column.align === 'end' && 'align-end')}>
                    {column.render(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
