// /admin/sites: the sites by id, a page at a time, searchable by id or name, with their human views
// today and over 30 days, the snippet to paste, and a form to add one (POST here; the id must
// match the contract's pattern). Sites are also registered automatically by their first hit,
// within ECHELON_MAX_SITES and the hourly rate. Public mode lists them without any form.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { AnonymizedBadge } from "../../../components/AnonymizedBadge.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../../components/DataTable.tsx";
import { Pager } from "../../../components/Pager.tsx";
import { Snippet } from "../../../components/Snippet.tsx";
import {
  BUTTON,
  BUTTON_SECONDARY,
  BUTTON_SMALL,
  Card,
  ErrorList,
  Field,
  INPUT,
  LINK,
} from "../../../components/ui.tsx";
import { type PageLinks, pageLinks, pageRequest } from "../../../lib/admin/cursor.ts";
import { formatDate, formatNumber } from "../../../lib/admin/format.ts";
import { assertWritable, readForm } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import {
  addSite,
  embedSnippet,
  parseSiteId,
  parseSiteName,
  siteListQuery,
  SITES_PER_PAGE,
} from "../../../lib/admin/sites.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { publicOrigin } from "../../../lib/public_origin.ts";
import type { Ctx, State } from "../../../lib/state.ts";
import { SITE_LIST_KEYS, type SiteListRow } from "../../../lib/store/sites.ts";

interface Data {
  frame: AdminFrame;
  sites: SiteListRow[];
  links: PageLinks;
  /** The search text (`?q=`), "" for every site. */
  search: string;
  origin: string;
  errors: string[];
  form: { site_id: string; name: string };
  /** ECHELON_ANONYMIZE_SITES. */
  anonymized: readonly string[];
}

async function load(
  ctx: Ctx,
  errors: string[] = [],
  form = { site_id: "", name: "" },
): Promise<Data> {
  const { config, store } = ctx.state.services;
  const frame = loadAdminFrame(ctx);
  const query = siteListQuery(ctx.url, frame.now);
  const request = pageRequest(ctx.url, ["string"], SITES_PER_PAGE);
  const list = await store.sites.list(query, {
    ...request,
    cursor: request.cursor === null ? null : String(request.cursor[0]),
  });
  return {
    frame,
    sites: list.rows,
    links: pageLinks(ctx.url, list, SITE_LIST_KEYS),
    search: query.search ?? "",
    origin: publicOrigin(ctx, config),
    errors,
    form,
    anonymized: config.anonymizeSites,
  };
}

export const handler = {
  async GET(ctx: Ctx) {
    return page<Data>(await load(ctx));
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const rawId = form.get("site_id") ?? "";
    const rawName = form.get("name") ?? "";
    const echo = { site_id: rawId.slice(0, 64), name: rawName.slice(0, 100) };
    const id = parseSiteId(rawId);
    const name = parseSiteName(rawName);
    const errors = [...(id.ok ? [] : id.errors), ...(name.ok ? [] : name.errors)];
    if (!id.ok || !name.ok) return page<Data>(await load(ctx, errors, echo), { status: 400 });
    const outcome = await addSite(ctx.state.services, id.value, name.value);
    if (outcome === "exists") {
      return page<Data>(
        await load(ctx, [`Site id: "${id.value}" already exists.`], echo),
        { status: 409 },
      );
    }
    const notice = outcome === "created" ? "site_added" : "site_registered";
    return new Response(null, {
      status: 303,
      headers: { location: `/admin/sites/${encodeURIComponent(id.value)}?notice=${notice}` },
    });
  },
};

export default function SitesPage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  return (
    <AdminShell
      title="Sites"
      frame={frame}
      selection={false}
      subtitle="Human page views (bots and excluded visitors left out); days are UTC."
    >
      <ErrorList errors={data.errors} />
      {!frame.readOnly && <AddSiteForm data={data} />}
      <Card>
        <SearchForm data={data} />
        <DataTable
          id="sites-table"
          caption="Sites"
          head={
            <>
              <Th>Site</Th>
              <Th>Name</Th>
              <Th>Added</Th>
              <Th numeric>Views today</Th>
              <Th numeric>Views, 30 days</Th>
              <Th>Snippet</Th>
              {!frame.readOnly && <Th></Th>}
            </>
          }
        >
          {data.sites.length === 0 && (
            <EmptyRow columns={7}>
              {data.search
                ? `No site id or name contains "${data.search}".`
                : "No sites yet. Add one above, or paste the snippet into a page: a site registers " +
                  "itself with its first hit."}
            </EmptyRow>
          )}
          {data.sites.map((site) => (
            <tr data-site={site.site_id}>
              <Td mono>
                <a class={LINK} href={`/admin/sites/${encodeURIComponent(site.site_id)}`}>
                  {site.site_id}
                </a>
                {data.anonymized.includes(site.site_id) && (
                  <>
                    {" "}
                    <AnonymizedBadge />
                  </>
                )}
              </Td>
              <Td>{site.name ?? "—"}</Td>
              <Td>
                {formatDate(site.created_at, frame.timezone)}{" "}
                <span class="text-xs text-slate-500">
                  {site.source === "auto" ? "by first hit" : "by admin"}
                </span>
              </Td>
              <Td numeric>{formatNumber(site.views_today)}</Td>
              <Td numeric>{formatNumber(site.views_30d)}</Td>
              <Td>
                <details>
                  <summary class="cursor-pointer text-sm text-slate-500">Show</summary>
                  <Snippet code={embedSnippet(data.origin, site.site_id)} />
                </details>
              </Td>
              {!frame.readOnly && (
                <Td>
                  <div class="flex gap-2">
                    <a
                      class={BUTTON_SMALL}
                      href={`/admin?site=${encodeURIComponent(site.site_id)}`}
                    >
                      Dashboard
                    </a>
                    <a
                      class={BUTTON_SMALL}
                      href={`/admin/sites/${encodeURIComponent(site.site_id)}`}
                    >
                      Settings
                    </a>
                    <a
                      class={BUTTON_SMALL}
                      href={`/admin/sites/${encodeURIComponent(site.site_id)}/delete`}
                    >
                      Delete
                    </a>
                  </div>
                </Td>
              )}
            </tr>
          ))}
        </DataTable>
        <Pager links={data.links} shown={data.sites.length} label="Sites" firstLabel="« First" />
      </Card>
    </AdminShell>
  );
}

function SearchForm(props: { data: Data }) {
  const { frame, search } = props.data;
  return (
    <form method="get" action="/admin/sites" id="site-search-form" class="mb-3 flex gap-2">
      <label for="site-query" class="sr-only">Search sites</label>
      <input
        id="site-query"
        type="search"
        name="q"
        value={search}
        maxLength={100}
        placeholder={`Search ${formatNumber(frame.sites.total)} sites by id or name`}
        class={`${INPUT} w-72`}
      />
      <button type="submit" class={BUTTON_SECONDARY}>Search</button>
      {search && <a class={`${LINK} self-center text-sm`} href="/admin/sites">All sites</a>}
    </form>
  );
}

function AddSiteForm(props: { data: Data }) {
  const { form } = props.data;
  return (
    <Card title="Add a site">
      <form
        method="post"
        action="/admin/sites"
        id="add-site"
        class="flex flex-wrap items-end gap-3"
      >
        <div class="w-full sm:w-56">
          <Field label="Site id">
            <input
              name="site_id"
              required
              maxLength={64}
              pattern="[A-Za-z0-9._\-]{1,64}"
              placeholder="my-site"
              value={form.site_id}
              class={INPUT}
            />
          </Field>
        </div>
        <div class="w-full sm:w-64">
          <Field label="Name (optional)">
            <input name="name" maxLength={100} value={form.name} class={INPUT} />
          </Field>
        </div>
        <button type="submit" class={BUTTON}>Add site</button>
      </form>
      <p class="mt-2 text-xs text-slate-500">
        Letters, digits, dot, dash and underscore; stored in lower case.
      </p>
    </Card>
  );
}
