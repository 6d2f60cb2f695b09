// /admin/bots/excluded (the reference's page): the excluded list is a section of /admin/bots now.
export const handler = {
  GET: () => new Response(null, { status: 301, headers: { location: "/admin/bots#excluded" } }),
};
