// The search page, showing window.digestSearch's results. The engine (digest-search.js)
// loads with the first search, so the page alone stays light.
const engine = new URL("digest-search.js", import.meta.url).href;
window.digestSearch ||= async (query, options) => (await import(engine)).digestSearch(query, options);
const digestSearch = (query, options) => window.digestSearch(query, options);

const $ = (id) => document.getElementById(id);
const form = document.querySelector("form.search-page");
const input = $("search-query"), topic = $("search-topic"), from = $("search-from"), to = $("search-to");
const status = $("search-status"), list = $("search-results"), more = $("search-more");
const PAGE = 20;
let hits = [], total = 0, asked = 0, filters = {};

function item(hit) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = hit.url;
  a.textContent = hit.title;
  const meta = document.createElement("small");
  const time = document.createElement("time");
  time.dateTime = hit.date;
  time.textContent = hit.date.replace("T", " ");
  meta.append(time, hit.topics.length ? ` · ${hit.topics.join(", ")}` : "");
  const p = document.createElement("p");
  p.innerHTML = hit.excerpt; // escaped text with <mark> around the words found
  li.append(a, " ", meta, p);
  return li;
}

// Details come PAGE hits at a time: a common word can have thousands.
async function showMore(query, turn) {
  const found = await digestSearch(query, { ...filters, offset: hits.length, limit: PAGE });
  if (turn !== asked) return false; // a newer keystroke superseded this one
  hits.push(...found);
  total = found.total;
  list.append(...found.map(item));
  more.hidden = hits.length >= total;
  return true;
}

async function run() {
  const turn = ++asked;
  const url = new URL(location.href);
  for (const [key, field] of [["q", input], ["topic", topic], ["from", from], ["to", to]]) {
    if (field.value) url.searchParams.set(key, field.value); else url.searchParams.delete(key);
  }
  history.replaceState(null, "", url);
  if (!input.value.trim()) { list.replaceChildren(); status.textContent = ""; more.hidden = true; return; }
  status.textContent = status.dataset.loading;
  filters = { topics: topic.value ? [topic.value] : [], from: from.value, to: to.value };
  hits = [];
  list.replaceChildren();
  try {
    if (!(await showMore(input.value, turn))) return;
  } catch (error) {
    if (turn === asked) status.textContent = status.dataset.unavailable;
    return;
  }
  status.textContent = total ? status.dataset.found.replace("{n}", String(total)) : status.dataset.none;
}

function move(step) {
  const links = [...list.querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  const next = at + step;
  if (next < 0) input.focus(); else if (next < links.length) links[next].focus();
}

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
from.value = params.get("from") || "";
to.value = params.get("to") || "";
let timer = 0;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
for (const field of [topic, from, to]) field.addEventListener("change", run);
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
more.addEventListener("click", async () => {
  const first = hits.length;
  await showMore(input.value, asked);
  list.querySelectorAll("a")[first]?.focus();
});
document.addEventListener("keydown", (event) => {
  const inResults = list.contains(document.activeElement);
  if (event.key === "ArrowDown" && (inResults || document.activeElement === input)) { event.preventDefault(); move(1); }
  else if (event.key === "ArrowUp" && inResults) { event.preventDefault(); move(-1); }
  else if (event.key === "Escape" && inResults) input.focus();
});
topic.value = params.get("topic") || "";
run();
