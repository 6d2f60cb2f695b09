// Client build: Preact islands + Tailwind v4, hashed output with a manifest read by the server.
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import tailwindcss from "@tailwindcss/vite";

export default defineConfig({
  plugins: [preact(), tailwindcss()],
  publicDir: false,
  server: { port: 5173, cors: true, origin: "http://localhost:5173" },
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    manifest: true,
    rollupOptions: { input: "client/main.ts" },
  },
});
