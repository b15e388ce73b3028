// Search page: queries the Pagefind index built beside the site. Works under any base path.
const root = new URL("../", import.meta.url);
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
let pagefind = null;

async function load() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname });
  }
  return pagefind;
}

function item(data) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  const p = document.createElement("p");
  p.innerHTML = data.excerpt; // Pagefind's excerpt: escaped page text with <mark> around hits
  li.append(a, p);
  return li;
}

async function run(query) {
  list.replaceChildren();
  if (!query.trim()) { status.textContent = ""; return; }
  status.textContent = status.dataset.loading;
  let found;
  try {
    found = await (await load()).debouncedSearch(query, {}, 200);
  } catch (error) {
    status.textContent = status.dataset.unavailable;
    return;
  }
  if (found === null) return; // a newer keystroke superseded this one
  const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
  list.replaceChildren(...results.map(item));
  status.textContent = results.length
    ? status.dataset.found.replace("{n}", String(found.results.length))
    : status.dataset.none;
}

const query = new URLSearchParams(location.search).get("q") || "";
input.value = query;
input.addEventListener("input", () => {
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});
document.querySelector("form.search-page").addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
run(query);
