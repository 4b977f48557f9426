// Search on /sok/: Pagefind's JavaScript API behind a small interface of our own.
// The query and the chosen facets live in the URL (?q=...&distrikt=...), so a search can be
// shared and the back button steps through searches. Built with DOM calls only (no innerHTML
// of anything from the index), no inline script or style, so a strict CSP holds.

const FACETS = [
  { key: "district", param: "distrikt", legend: "Stadsdel" },
  { key: "funder", param: "finansiar", legend: "Finansiär" },
  { key: "year", param: "ar", legend: "År" },
  { key: "kind", param: "typ", legend: "Typ" },
  { key: "status", param: "status", legend: "Utfall eller status" },
];
const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 300;

const form = document.getElementById("sokformular");
const field = document.getElementById("sok-sida");
const status = document.getElementById("sok-status");
const app = document.getElementById("sok-app");
const fallback = document.getElementById("sok-utan-js");
const list = document.getElementById("sok-resultat");
const more = document.getElementById("sok-mer");
const facetBox = document.getElementById("sok-filter");
const clear = document.getElementById("sok-rensa");

const collator = new Intl.Collator("sv");
const dateFormat = new Intl.DateTimeFormat("sv-SE", { dateStyle: "long", timeZone: "UTC" });
// facet key -> value -> {input, count}
const controls = new Map();
let pagefind = null;
let totals = {};
let results = [];
let shown = 0;
let ticket = 0;
let typingTimer = 0;

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  if (key === "year") return values.sort((a, b) => Number(b) - Number(a));
  return values.sort(collator.compare);
}

function buildFacets() {
  for (const facet of FACETS) {
    const counts = totals[facet.key];
    if (!counts || Object.keys(counts).length === 0) continue;
    const fieldset = element("fieldset", "sokfacett");
    fieldset.append(element("legend", "sokfacett__rubrik", facet.legend));
    const values = new Map();
    sortedValues(facet.key, counts).forEach((value, index) => {
      const id = `sok-${facet.param}-${index}`;
      const row = element("div", "sokval");
      const input = element("input");
      input.type = "checkbox";
      input.id = id;
      input.name = facet.param;
      input.value = value;
      const label = element("label", "", value);
      label.htmlFor = id;
      const count = element("span", "sokval__antal");
      label.append(" ", count);
      row.append(input, label);
      fieldset.append(row);
      values.set(value, { input, count, row });
    });
    controls.set(facet.key, values);
    facetBox.append(fieldset);
  }
}

function showCounts(counts) {
  for (const [key, values] of controls) {
    for (const [value, control] of values) {
      const count = counts?.[key]?.[value] ?? 0;
      control.count.textContent = `(${count})`;
      control.row.classList.toggle("sokval--tom", count === 0 && !control.input.checked);
    }
  }
}

function chosen() {
  const filters = {};
  let number = 0;
  for (const [key, values] of controls) {
    const picked = [...values.values()].filter((c) => c.input.checked).map((c) => c.input.value);
    if (picked.length) {
      filters[key] = { any: picked };
      number += picked.length;
    }
  }
  return { filters, number };
}

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  field.value = params.get("q") ?? "";
  for (const facet of FACETS) {
    const wanted = new Set(params.getAll(facet.param));
    for (const control of controls.get(facet.key)?.values() ?? []) {
      control.input.checked = wanted.has(control.input.value);
    }
  }
}

function writeUrl(mode) {
  const params = new URLSearchParams();
  const query = field.value.trim();
  if (query) params.set("q", query);
  for (const facet of FACETS) {
    for (const control of controls.get(facet.key)?.values() ?? []) {
      if (control.input.checked) params.append(facet.param, control.input.value);
    }
  }
  const search = params.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ""}`;
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

function excerpt(html) {
  // Pagefind marks hits with <mark>; keep that element and plain text, nothing else.
  const template = document.createElement("template");
  template.innerHTML = html;
  const paragraph = element("p", "sokresultat__utdrag");
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") paragraph.append(element("mark", "", node.textContent));
    else paragraph.append(node.textContent);
  }
  return paragraph;
}

function when(meta) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(meta.date ?? "")) {
    return dateFormat.format(new Date(`${meta.date}T00:00:00Z`));
  }
  return meta.date || meta.year || "";
}

function resultItem(data) {
  const meta = data.meta ?? {};
  const item = element("li", "post sokresultat__post");
  const heading = element("h3", "post__rubrik");
  const link = element("a", "", meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  const facts = [meta.kind, meta.district || meta.organisation, when(meta), meta.amount];
  item.append(heading, element("p", "post__meta", facts.filter(Boolean).join(" · ")));
  if (data.excerpt) item.append(excerpt(data.excerpt));
  return item;
}

async function showMore(moveFocus) {
  const mine = ticket;
  const slice = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(slice.map((result) => result.data()));
  if (mine !== ticket) return;
  const items = data.map(resultItem);
  list.append(...items);
  shown += items.length;
  more.hidden = shown >= results.length;
  if (moveFocus && items.length) items[0].querySelector("a").focus();
}

async function run() {
  const mine = ++ticket;
  const query = field.value.trim();
  const { filters, number } = chosen();
  clear.hidden = number === 0;
  if (!query && number === 0) {
    results = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    showCounts(totals);
    status.textContent = "";
    return;
  }
  const search = await pagefind.search(query || null, { filters });
  const counts = { ...search.filters };
  // A facet's own choices are alternatives (any of them), so its counts ignore them.
  for (const key of Object.keys(filters)) {
    const others = { ...filters };
    delete others[key];
    if (!query && Object.keys(others).length === 0) {
      counts[key] = totals[key];
      continue;
    }
    const wider = await pagefind.search(query || null, { filters: others });
    counts[key] = wider.filters[key];
  }
  if (mine !== ticket) return;
  results = pages(search);
  shown = 0;
  list.replaceChildren();
  showCounts(counts);
  await showMore(false);
  if (mine !== ticket) return;
  const absent = results.length && query ? await absentWords(query, search, filters) : [];
  if (mine !== ticket) return;
  let message = results.length ? plural(results.length, "träff", "träffar") : "Inga träffar";
  if (absent.length) {
    // Pagefind answers a word no indexed word starts with by a shorter word it has (or by
    // the word's stem): say so, rather than that these are hits for the word asked for.
    const words = absent.map((word) => `”${word}”`).join(" eller ");
    message = `Sökindexet har inget ord som börjar med ${words}; ${message} för ord med samma början`;
  } else if (query) {
    message += ` för ”${query}”`;
  }
  if (number) message += ` (${plural(number, "avgränsning", "avgränsningar")})`;
  status.textContent = `${message}.`;
}

function update(mode) {
  window.clearTimeout(typingTimer);
  writeUrl(mode);
  return run();
}

// The index is cut into shards (a few years each), each a Pagefind bundle of its own, listed in
// /pagefind/delar.json: the first shard's pagefind.js is loaded and the others merged into it,
// so a search runs over all of them. Only paths of the form /pagefind/<shard>/ are followed.
// Every shard also holds the site's word list, a page of every word the site has, so that each
// shard looks a word up as one index would; the list is never a result (its ids are in
// delar.json).
const SHARD_PATH = /^\/pagefind\/[a-z0-9][a-z0-9-]*\/$/;
const OPTIONS = { excerptLength: 24 };
let wordlists = new Set();

async function openIndex() {
  const response = await fetch("/pagefind/delar.json");
  if (!response.ok) throw new Error(`delar.json: ${response.status}`);
  const shards = (await response.json()).delar;
  const paths = shards.map((shard) => shard.sokvag);
  if (!paths.length || !paths.every((path) => SHARD_PATH.test(path))) {
    throw new Error("delar.json lists no usable shard");
  }
  wordlists = new Set(shards.map((shard) => shard.ordlista));
  const index = await import(`${paths[0]}pagefind.js`);
  await index.options(OPTIONS);
  await index.init();
  await Promise.all(paths.slice(1).map((path) => index.mergeIndex(path, OPTIONS)));
  return index;
}

function pages(search) {
  return search.results.filter((result) => !wordlists.has(result.id));
}

// The site's words, from the word list (once): each as Pagefind compares words (lower case,
// no diacritics, letters and digits only), and the parts of words joined by a hyphen.
let siteWords = null;

function fold(word) {
  return word
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

async function absentWords(query, search, filters) {
  if (siteWords === null) {
    // With facets chosen the word list (which has none) is not among the results.
    const unfiltered = Object.keys(filters).length ? await pagefind.search(query) : search;
    const list = unfiltered.results.find((result) => wordlists.has(result.id));
    if (!list) return [];
    const words = new Set();
    for (const word of (await list.data()).content.split(/\s+/)) {
      words.add(fold(word));
      for (const part of word.split(/[^\p{L}\p{N}]+/u)) words.add(fold(part));
    }
    words.delete("");
    siteWords = [...words];
  }
  const asked = query.split(/\s+/).filter((word) => fold(word));
  return asked.filter((word) => !siteWords.some((known) => known.startsWith(fold(word))));
}

async function start() {
  try {
    pagefind = await openIndex();
    totals = await pagefind.filters();
  } catch (error) {
    status.textContent = "Sökningen kunde inte startas. Använd listorna nedan.";
    return;
  }
  buildFacets();
  fallback.hidden = true;
  app.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update("push");
  });
  field.addEventListener("input", () => {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => update("replace"), TYPING_DELAY_MS);
  });
  facetBox.addEventListener("change", () => update("push"));
  more.addEventListener("click", () => showMore(true));
  clear.addEventListener("click", () => {
    for (const values of controls.values()) {
      for (const control of values.values()) control.input.checked = false;
    }
    update("push");
    field.focus();
  });
  window.addEventListener("popstate", () => {
    readUrl();
    run();
  });
  readUrl();
  await run();
}

start();
