// Annotations on SQLite (lib/store/annotations.ts), over lib/db/annotations.ts.
import {
  deleteAnnotation,
  getAnnotation,
  insertAnnotation,
  listAnnotations,
} from "../../db/annotations.ts";
import type { Database } from "../../db/database.ts";
import type { AnnotationStore } from "../annotations.ts";

export function sqliteAnnotations(db: Database): AnnotationStore {
  return {
    list: (siteIds, range, limit) => Promise.try(() => listAnnotations(db, siteIds, range, limit)),
    get: (id) => Promise.try(() => getAnnotation(db, id)),
    create: (annotation) => Promise.try(() => insertAnnotation(db, annotation)),
    delete: (id) => Promise.try(() => deleteAnnotation(db, id)),
  };
}
