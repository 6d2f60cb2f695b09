// The root has nothing of its own: it sends people to the admin (303, as the contract says).
export const handler = {
  GET: () => new Response(null, { status: 303, headers: { location: "/admin" } }),
};
