// GET /nanolytica.js: Nanolytica's script name, serving our tracker unchanged (same handler,
// body, caching and CORS as /ea.js), so `<script src="https://host/nanolytica.js"
// data-site="blog.example.com">` keeps working after a switch. Without data-site both products
// use the site "default".
export { handler } from "./ea.js.ts";
