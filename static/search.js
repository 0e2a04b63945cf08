// Minimal search on the Pagefind JS API; the faceted UI replaces this.
const root = document.getElementById("search");
const bundle = root.dataset.bundle;
const base = root.dataset.base;
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");

const pagefind = await import(bundle + "pagefind.js");
await pagefind.options({ baseUrl: base });
try {
  const manifest = await (await fetch(bundle + "search-manifest.json")).json();
  for (const shard of manifest.shards.slice(1)) {
    await pagefind.mergeIndex(base + shard.path, { baseUrl: base });
  }
} catch (e) { /* a single bundle needs no manifest */ }

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (cls) el.className = cls;
  return el;
}

async function run(q) {
  list.replaceChildren();
  if (!q) { status.textContent = ""; return; }
  const search = await pagefind.search(q);
  const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  status.textContent = `${search.results.length} record${search.results.length === 1 ? "" : "s"} found`;
  for (const d of data) {
    const li = document.createElement("li");
    const a = text("a", d.meta.title || d.url, "record-title");
    a.href = d.url;
    li.append(a, text("span", [d.meta.date, d.meta.type].filter(Boolean).join(" · "), "record-meta"));
    li.append(text("p", d.excerpt.replace(/<\/?mark>/g, ""), "record-summary"));
    list.append(li);
  }
}

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.pushState(null, "", url);
  run(input.value);
});
input.addEventListener("input", () => run(input.value));
window.addEventListener("popstate", () => {
  input.value = new URLSearchParams(location.search).get("q") || "";
  run(input.value);
});
run(input.value);
