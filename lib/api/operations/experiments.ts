// A/B experiments (routes/api/experiments/). Definitions are the schemas of
// lib/experiments/definition.ts, which the admin forms share; they name every bad field at once.
import { z } from "zod";
import { DEFINITION_BODY, EXPERIMENT_CHANGE_BODY } from "../../experiments/definition.ts";
import { STATUSES } from "../../experiments/model.ts";
import { EXPERIMENT_LIST_QUERY, EXPERIMENT_PATH } from "../../experiments/params.ts";
import { defineOperation, json } from "../contract.ts";
import { publicAnswer } from "../public_shapes.ts";

const TAG = "Experiments";

const Experiment = z.looseObject({
  experiment_id: z.string(),
  site_id: z.string(),
  name: z.string(),
  status: z.enum(STATUSES),
  variants: z.array(z.looseObject({ variant_id: z.string(), weight: z.number() })),
});

const experimentPath = EXPERIMENT_PATH;
const NOT_FOUND = { 404: "No such experiment (not_found)" };

export const listExperiments = defineOperation({
  method: "GET",
  path: "/api/experiments",
  tag: TAG,
  summary: "Experiments with their variants, newest first",
  auth: "read",
  query: EXPERIMENT_LIST_QUERY,
  responses: { 200: json("Experiments", publicAnswer("/api/experiments")) },
});

export const createExperiment = defineOperation({
  method: "POST",
  path: "/api/experiments",
  tag: TAG,
  summary: "Create a draft experiment",
  auth: "write",
  body: DEFINITION_BODY,
  responses: {
    201: json(
      "Created",
      z.object({ created: z.string(), experiment: Experiment, notes: z.array(z.string()) }),
    ),
  },
  errors: { 409: "The id is taken (conflict)" },
});

export const getExperiment = defineOperation({
  method: "GET",
  path: "/api/experiments/:id",
  tag: TAG,
  summary: "One experiment with its variants",
  auth: "read",
  params: experimentPath,
  responses: { 200: json("The experiment", publicAnswer("/api/experiments/:id")) },
  errors: NOT_FOUND,
});

export const updateExperiment = defineOperation({
  method: "PATCH",
  path: "/api/experiments/:id",
  tag: TAG,
  summary: "Move an experiment through its states, or edit a draft (or both)",
  description: "draft → active → paused | completed, paused → active | completed, completed → " +
    "archived; `from` applies the move only from the status the caller saw.",
  auth: "write",
  params: experimentPath,
  body: EXPERIMENT_CHANGE_BODY,
  responses: {
    200: json(
      "Saved",
      z.object({ updated: z.string(), experiment: Experiment, notes: z.array(z.string()) }),
    ),
  },
  errors: { ...NOT_FOUND, 409: "A refused transition, a lost race, or not a draft (conflict)" },
});

export const deleteExperiment = defineOperation({
  method: "DELETE",
  path: "/api/experiments/:id",
  tag: TAG,
  summary: "Delete a draft",
  auth: "write",
  params: experimentPath,
  responses: { 200: json("Deleted", z.object({ deleted: z.string() })) },
  errors: { ...NOT_FOUND, 409: "Not a draft (conflict)" },
});

export const EXPERIMENT_OPERATIONS = [
  listExperiments,
  createExperiment,
  getExperiment,
  updateExperiment,
  deleteExperiment,
];
