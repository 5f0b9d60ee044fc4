import { defineConfig } from "vite";

// The node embeds the build (crates/node/build.rs passes --outDir); `npm run dev` proxies the
// API to a node on 127.0.0.1:8545 for working on the pages with hot reload.
export default defineConfig({
  base: "/",
  build: { target: "es2022", chunkSizeWarningLimit: 1500, sourcemap: false },
  server: {
    proxy: {
      "/v1": "http://127.0.0.1:8545",
      "/health": "http://127.0.0.1:8545",
    },
  },
});
