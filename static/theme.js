// Applies the saved theme (or the system preference) before first paint. External on purpose:
// the CSP forbids inline scripts.
(function () {
  let saved = null;
  try {
    saved = localStorage.getItem("echelon_theme");
  } catch (_) { /* storage disabled */ }
  const dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.classList.toggle("dark", dark);
})();
