// Experiments on SQLite (lib/store/experiments.ts), over lib/db/experiments.ts: each method that
// writes several rows runs in one transaction there or here.
import type { Database } from "../../db/database.ts";
import { listExperimentVariants } from "../../db/lookups.ts";
import {
  compareAndSetStatus,
  type DefinitionRecord,
  deleteDraftExperiment,
  type ExperimentRecord,
  getExperimentRecord,
  insertExperiment,
  listExperiments,
  replaceDraftDefinition,
  type VariantRecord,
  variantsOf,
} from "../../db/experiments.ts";
import type {
  DraftReplacement,
  ExperimentDefinitionRecord,
  ExperimentStore,
  StoredExperiment,
  StoredVariant,
} from "../experiments.ts";

const variant = (row: VariantRecord): StoredVariant => ({
  variant_id: row.variant_id,
  name: row.name,
  weight: row.weight,
  is_control: row.is_control === 1,
  config: row.config,
});

const stored = (row: ExperimentRecord, variants: VariantRecord[]): StoredExperiment => ({
  ...row,
  variants: variants.map(variant),
});

const definitionRow = (def: ExperimentDefinitionRecord): DefinitionRecord => ({
  ...def,
  variants: def.variants.map((v) => ({ ...v, is_control: v.is_control ? 1 : 0 })),
});

export function sqliteExperiments(db: Database): ExperimentStore {
  return {
    list: (filter) =>
      Promise.try(() => {
        const rows = listExperiments(db, filter);
        const variants = variantsOf(db, rows.map((row) => row.experiment_id));
        const byExperiment = Map.groupBy(variants, (v) => v.experiment_id);
        return rows.map((row) => stored(row, byExperiment.get(row.experiment_id) ?? []));
      }),
    get: (id) =>
      Promise.try(() => {
        const row = getExperimentRecord(db, id);
        return row ? stored(row, variantsOf(db, [id])) : null;
      }),
    create: (definition, createdAt) =>
      Promise.try(() => insertExperiment(db, definitionRow(definition), createdAt)),
    replaceDraft: (definition, move): Promise<DraftReplacement> =>
      Promise.try(() =>
        db.transaction(() => {
          if (!replaceDraftDefinition(db, definitionRow(definition))) return "not_draft";
          // Still a draft inside this transaction, so the move from draft cannot lose a race.
          if (move !== undefined) {
            compareAndSetStatus(db, { id: definition.experiment_id, from: "draft", ...move });
          }
          return "replaced";
        })
      ),
    changeStatus: (change) => Promise.try(() => compareAndSetStatus(db, change)),
    deleteDraft: (id) => Promise.try(() => deleteDraftExperiment(db, id)),
    variantsBySite: () => Promise.try(() => listExperimentVariants(db)),
  };
}
