// Entry point of the storage layer: open a database and bring its schema up to date.
import { Database } from "./database.ts";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations.ts";

export { Database } from "./database.ts";
export type { Row, SqlParam } from "./database.ts";

export function openDatabase(path: string): Database {
  const db = new Database(path);
  try {
    migrate(db, MIGRATIONS);
  } catch (error) {
    db.close();
    throw new Error(`could not migrate ${path}`, { cause: error });
  }
  return db;
}
