/**
 * Raised on open when the database was migrated by a newer collector: this one does not
 * know its schema and must not write to it.
 */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';

  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `database schema version ${found} is newer than this collector (${known}): upgrade the collector`,
    );
  }
}
