// Light/dark switch. The choice lives in localStorage ("echelon_theme") and static/theme.js applies
// it before first paint; this island only flips it.
import { useEffect, useState } from "preact/hooks";

type Theme = "light" | "dark";

export default function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null);

  useEffect(() => {
    setTheme(document.documentElement.classList.contains("dark") ? "dark" : "light");
  }, []);

  const toggle = () => {
    const next: Theme = theme === "dark" ? "light" : "dark";
    document.documentElement.classList.toggle("dark", next === "dark");
    try {
      localStorage.setItem("echelon_theme", next);
    } catch {
      // storage can be disabled; the switch still works for this page
    }
    setTheme(next);
  };

  return (
    <button
      type="button"
      id="theme-toggle"
      onClick={toggle}
      disabled={theme === null}
      data-theme={theme ?? ""}
      aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
      class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      {theme === "dark" ? "☀ Light" : "☾ Dark"}
    </button>
  );
}
