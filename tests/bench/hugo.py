# ruff: noqa: E501 (the Hugo layouts below are HTML, one element a line)
"""The Hugo site equivalent to an Insyn site, for `make bench` to time Hugo against.

Reads an Insyn site with Insyn's own front half (`insyn.pipeline.read_site`:
load, validate, link) and writes a Hugo project with the same pages under the
same URLs: the same Markdown bodies, a page per decision at `/beslut/<id>/`
and per project at `/projekt/<id>/`, and taxonomies whose term pages stand for
Insyn's district, funder, organisation and year pages (`/stadsdelar/<id>/`,
`/finansiarer/<id>/`, `/organisationer/<id>/`, `/ar/<YYYY>/`). The layouts do
comparable work to Insyn's templates: a decision page shows its facts, its
proposals, per-status totals and a table of its funding lines with linked
organisations, years and projects; a term page sums the lines that touch its
organisation or year per counterpart, per year and per status, lists its
decisions by year and its projects, and tables every line. Pages also get a
JSON output, and home and terms an RSS feed limited to 50 entries, as Insyn
writes `index.json` files and Atom feeds of 50 decisions.

What the emitter works out ahead (not timed): which decisions concern each
project (Insyn's link stage does the same), organisation names and URLs as a
Hugo data file, and the taxonomy terms of each page. Everything a page shows
is still looked up and summed by Hugo when it renders.

Not reproduced: funding-trail (Sankey) pages, open-data downloads, calendars,
search, JSON-LD and the data-quality notes.

    python -m tests.bench.hugo <content-dir> <out-dir> [--data DIR]
    hugo --source <out-dir> --destination <site-dir>

`<content-dir>` is an Insyn content folder (its data folder is `../data`) or
a folder holding `content/` and `data/`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from insyn.graph.link import SiteGraph
from insyn.model import DISTRICT, FUNDER, STATUSES, Decision, FundingLine, Project
from insyn.model.formatting import (
    KIND_WORDS,
    ORGANISATION_TYPE_WORDS,
    OUTCOME_WORDS,
    PROJECT_STATUS_WORDS,
    STATUS_TOTALS,
    STATUS_WORDS,
)
from insyn.pipeline import read_site

ROOT = Path(__file__).resolve().parents[2]
# What `emit` writes into the out folder, and only this is ever replaced there.
OWNED = ("hugo.toml", "content", "layouts", "data", "assets", "static")
# Hugo's own output and caches inside the site folder, removed for a cold build.
CACHES = ("public", "resources", ".hugo-cache", ".hugo_build.lock")
TAXONOMIES = {DISTRICT: "stadsdelar", FUNDER: "finansiarer", "organisation": "organisationer"}


@dataclass(frozen=True)
class Emitted:
    decisions: int
    projects: int
    terms: int


def hugo_command(site: Path, destination: Path, hugo: str = "hugo") -> list[str]:
    """A full build of the emitted site into `destination`, with its caches inside `site`."""
    return [
        hugo,
        "--quiet",
        "--source",
        str(site),
        "--destination",
        str(destination),
        "--cacheDir",
        str(site / ".hugo-cache"),
    ]


def clean(site: Path, destination: Path | None = None) -> None:
    """Make the next build a cold one: no output, no resources/ or file cache."""
    for name in CACHES:
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if destination is not None:
        shutil.rmtree(destination, ignore_errors=True)


def org_url(graph: SiteGraph, org_id: str) -> str:
    return f"/{TAXONOMIES[graph.organisations[org_id].type]}/{org_id}/"


def _line(line: FundingLine) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fran": line.from_id,
        "till": line.to_id,
        "ar": line.year,
        "belopp": line.amount,
        "status": line.status,
    }
    if line.project_id:
        data["projekt"] = line.project_id
    if line.note:
        data["notering"] = line.note
    return data


def _terms(graph: SiteGraph, org_ids: set[str]) -> dict[str, list[str]]:
    """Taxonomy terms for the organisations a page involves, by their pages' folders."""
    terms: dict[str, list[str]] = {}
    for org_id in sorted(org_ids):
        terms.setdefault(TAXONOMIES[graph.organisations[org_id].type], []).append(org_id)
    return terms


def _page(front: dict[str, Any], body: str) -> str:
    return (
        "---\n"
        + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
        + "---\n"
        + body
    )


def _decision(graph: SiteGraph, decision: Decision) -> str:
    involved = {decision.district}
    for line in decision.funding:
        involved |= {line.from_id, line.to_id}
    projects = list(
        dict.fromkeys(
            [*decision.projects, *(ln.project_id for ln in decision.funding if ln.project_id)]
        )
    )
    date = decision.date
    front: dict[str, Any] = {
        "title": decision.title,
        "date": (date.isoformat() if date else f"{decision.year}-01-01"),
        "description": f"Beslut i {graph.organisations[decision.district].name} ({decision.year}).",
        "stadsdel": decision.district,
        "arendetyp": decision.kind,
        "datum_saknas": date is None,
        **_terms(graph, involved),
        "ar": sorted({str(decision.year)} | {str(ln.year) for ln in decision.funding}),
        "projekt": projects,
        "forslag": list(decision.proposals),
        "omedelbar_justering": decision.immediate_adjustment,
        "rader": [_line(ln) for ln in decision.funding],
    }
    if decision.outcome:
        front["utfall"] = decision.outcome.status
        if decision.outcome.note:
            front["utfall_notering"] = decision.outcome.note
    if decision.diary_number:
        front["diarienummer"] = decision.diary_number
    if decision.tags:
        front["amnen"] = list(decision.tags)
    return _page(front, decision.body)


def _project(graph: SiteGraph, project: Project) -> str:
    involved = {project.owner, *project.partners}
    for line in project.funding:
        involved |= {line.from_id, line.to_id}
    front: dict[str, Any] = {
        "title": project.name,
        "description": f"Projektet {project.name}: ägare, partner, budget, finansiering och beslut.",
        "agare": project.owner,
        "partner": list(project.partners),
        "start": project.start.iso() if project.start else "",
        "slut": project.end.iso() if project.end else "",
        "projektstatus": project.status,
        **_terms(graph, involved),
        "ar": sorted({str(ln.year) for ln in project.funding}),
        "beslut": graph.decisions_by_project.get(project.id, []),
        "budget": [{"post": b.item, "ar": b.year, "belopp": b.amount} for b in project.budget],
        "rader": [_line(ln) for ln in project.funding],
    }
    return _page(front, project.body)


def emit(content: Path, data: Path, out: Path) -> Emitted:
    """Write the Hugo site for the Insyn site in `content` and `data` into `out`."""
    result = read_site(content, data)
    graph = result.graph
    if graph is None:
        problems = "\n".join(str(p) for p in result.problems.sorted()[:20])
        raise SystemExit(f"the Insyn site has errors, no Hugo site written:\n{problems}")
    out.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    settings = graph.settings
    (out / "hugo.toml").write_text(
        CONFIG.format(
            base_url=_toml(settings.base_url + "/"),
            title=_toml(settings.title),
            description=_toml(settings.description),
        ),
        encoding="utf-8",
    )
    pages = out / "content"
    for section in ("beslut", "projekt"):
        (pages / section).mkdir(parents=True)
    (pages / "beslut" / "_index.md").write_text(
        _page({"title": "Beslut", "description": "Alla beslut, nyast först."}, ""), "utf-8"
    )
    (pages / "projekt" / "_index.md").write_text(
        _page({"title": "Projekt", "description": "Alla projekt."}, ""), "utf-8"
    )
    for decision in graph.decisions.values():
        (pages / "beslut" / f"{decision.id}.md").write_text(_decision(graph, decision), "utf-8")
    for project in graph.projects.values():
        (pages / "projekt" / f"{project.id}.md").write_text(_project(graph, project), "utf-8")
    # A page for every organisation and year, named as Insyn names it, as term pages.
    terms = 0
    for plural, title in (
        ("stadsdelar", "Stadsdelar"),
        ("finansiarer", "Finansiärer"),
        ("organisationer", "Organisationer"),
        ("ar", "År"),
    ):
        (pages / plural).mkdir()
        (pages / plural / "_index.md").write_text(_page({"title": title}, ""), "utf-8")
    for org in graph.organisations.values():
        term = pages / TAXONOMIES[org.type] / org.id
        term.mkdir()
        front = {"title": org.name, "id": org.id, "typ": org.type, "omrade": org.area or ""}
        (term / "_index.md").write_text(_page(front, ""), "utf-8")
        terms += 1
    for year in graph.years:
        term = pages / "ar" / str(year)
        term.mkdir()
        (term / "_index.md").write_text(_page({"title": str(year), "id": str(year)}, ""), "utf-8")
        terms += 1
    (out / "data").mkdir()
    organisations = {
        org.id: {
            "namn": org.name,
            "etikett": org.label,
            "typ": org.type,
            "url": org_url(graph, org.id),
        }
        for org in graph.organisations.values()
    }
    words = {
        "statusar": list(STATUSES),
        "status": STATUS_WORDS,
        "summa": STATUS_TOTALS,
        "arendetyp": KIND_WORDS,
        "utfall": OUTCOME_WORDS,
        "projektstatus": PROJECT_STATUS_WORDS,
        "organisationstyp": ORGANISATION_TYPE_WORDS,
    }
    for name, value in (("organisationer", organisations), ("ord", words)):
        (out / "data" / f"{name}.yaml").write_text(
            yaml.safe_dump(value, allow_unicode=True, sort_keys=True), "utf-8"
        )
    (out / "assets").mkdir()
    css = ROOT / "assets" / "insyn.css"
    (out / "assets" / "insyn.css").write_text(
        css.read_text("utf-8") if css.exists() else "body { font-family: sans-serif; }\n", "utf-8"
    )
    for name, text in LAYOUTS.items():
        target = out / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.lstrip("\n"), "utf-8")
    return Emitted(len(graph.decisions), len(graph.projects), terms)


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


CONFIG = """\
baseURL = {base_url}
title = {title}
languageCode = "sv-SE"
defaultContentLanguage = "sv"
buildFuture = true
enableRobotsTXT = true
rssLimit = 50

[params]
description = {description}

[taxonomies]
stadsdel = "stadsdelar"
finansiar = "finansiarer"
organisation = "organisationer"
ar = "ar"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "RSS", "JSON"]
page = ["HTML", "JSON"]

[markup.goldmark.renderer]
unsafe = false
"""

LAYOUTS: dict[str, str] = {}

LAYOUTS["_default/baseof.html"] = """
<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:locale" content="sv_SE">
{{ $css := resources.Get "insyn.css" | fingerprint }}
<link rel="stylesheet" href="{{ $css.RelPermalink }}" integrity="{{ $css.Data.Integrity }}">
{{ range .AlternativeOutputFormats -}}
<link rel="alternate" type="{{ .MediaType.Type }}" href="{{ .RelPermalink }}">
{{ end -}}
</head>
<body>
<a class="hoppa" href="#innehall">Hoppa till innehållet</a>
<header class="sidhuvud">
<div class="ram sidhuvud__rad">
<a class="webbplatsnamn" href="/"{{ if .IsHome }} aria-current="page"{{ end }}>{{ site.Title }}</a>
<form class="sok" role="search" action="/sok/" method="get">
<label class="sok__etikett" for="sok-q">Sök på webbplatsen</label>
<span class="sok__rad"><input class="sok__falt" id="sok-q" name="q" type="search"><button class="knapp" type="submit">Sök</button></span>
</form>
</div>
<nav class="huvudmeny" aria-label="Huvudmeny">
<ul class="ram">
{{ $here := .RelPermalink }}{{ $section := .Section }}
{{ range slice (slice "/beslut/" "Beslut" "beslut") (slice "/projekt/" "Projekt" "projekt") (slice "/stadsdelar/" "Stadsdelar" "stadsdelar") (slice "/finansiarer/" "Finansiärer" "finansiarer") (slice "/ar/" "År" "ar") -}}
<li><a href="{{ index . 0 }}"{{ if eq $here (index . 0) }} aria-current="page"{{ else if eq $section (index . 2) }} aria-current="true"{{ end }}>{{ index . 1 }}</a></li>
{{ end -}}
</ul>
</nav>
</header>
<div class="ram">
<nav class="brodsmulor" aria-label="Brödsmulor">
<ol>
{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ if .IsHome }}Start{{ else }}{{ .Title }}{{ end }}</a></li>
{{ end -}}
<li><a href="{{ .RelPermalink }}" aria-current="page">{{ if .IsHome }}Start{{ else }}{{ .Title }}{{ end }}</a></li>
</ol>
</nav>
<main id="innehall" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
</div>
<footer class="sidfot"><div class="ram"><p>{{ site.Title }} – {{ site.Params.description }}</p></div></footer>
</body>
</html>
"""

LAYOUTS["partials/org.html"] = """
{{- with index site.Data.organisationer . -}}
<a href="{{ .url }}">{{ .etikett }}</a>
{{- else -}}
{{ . }}
{{- end -}}
"""

LAYOUTS["partials/date.html"] = """
{{- if .Params.datum_saknas -}}
<time datetime="{{ .Date.Year }}">{{ .Date.Year }}</time>
{{- else -}}
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ time.Format ":date_long" .Date }}</time>
{{- end -}}
"""

LAYOUTS["partials/project-link.html"] = """
{{- with site.GetPage (printf "/projekt/%s" .) -}}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{- else -}}
<span class="tomt">Inget projekt</span>
{{- end -}}
"""

# A list of decision pages, each with its date, district, kind and outcome.
LAYOUTS["partials/decision-items.html"] = """
<ul class="poster">
{{ range . -}}
<li class="post">
<a class="post__rubrik" href="{{ .RelPermalink }}">{{ .Title }}</a>
<p class="post__meta">{{ partial "date.html" . }} <span class="skiljetecken" aria-hidden="true">·</span> {{ partialCached "org.html" .Params.stadsdel .Params.stadsdel }} <span class="skiljetecken" aria-hidden="true">·</span> {{ index site.Data.ord.arendetyp .Params.arendetyp }}{{ with .Params.utfall }} <span class="skiljetecken" aria-hidden="true">·</span> Utfall: {{ index site.Data.ord.utfall . }}{{ end }}</p>
</li>
{{ end -}}
</ul>
"""

LAYOUTS["partials/project-items.html"] = """
<ul class="poster">
{{ range . -}}
<li class="post"><a class="post__rubrik" href="{{ .RelPermalink }}">{{ .Title }}</a>
<p class="post__meta">Ägare: {{ partialCached "org.html" .Params.agare .Params.agare }} <span class="skiljetecken" aria-hidden="true">·</span> Period: {{ partial "period.html" . }} <span class="skiljetecken" aria-hidden="true">·</span> {{ index site.Data.ord.projektstatus .Params.projektstatus }}</p>
</li>
{{ end -}}
</ul>
"""

LAYOUTS["partials/period.html"] = """
{{- $start := .Params.start -}}{{- $end := .Params.slut -}}
{{- if and $start $end -}}{{ if eq $start $end }}{{ $start }}{{ else }}{{ $start }}–{{ $end }}{{ end -}}
{{- else if $start -}}från {{ $start -}}
{{- else if $end -}}till {{ $end -}}
{{- else -}}okänd{{- end -}}
"""

# Sums per status, never one sum across statuses. Takes a list of lines.
LAYOUTS["partials/totals.html"] = """
{{ $sums := newScratch -}}
{{ range . }}{{ $sums.Add .status .belopp }}{{ end -}}
{{ if . -}}
<dl class="summor">
{{ range $status := site.Data.ord.statusar -}}
{{ with $sums.Get $status -}}
<div class="summor__post summor__post--{{ $status }}"><dt>{{ index site.Data.ord.summa $status }}</dt><dd>{{ lang.FormatNumber 0 . }}&nbsp;kr</dd></div>
{{ end -}}
{{ end -}}
</dl>
{{ else -}}
<p class="tomt">Inga belopp är registrerade.</p>
{{ end -}}
"""

# Every line, one row each; `source` adds a column linking where it is declared.
LAYOUTS["partials/funding-table.html"] = """
<div class="tabellram" role="region" tabindex="0" aria-label="{{ .caption }}">
<table class="tabell">
<caption>{{ .caption }}</caption>
<thead>
<tr><th scope="col">Från</th><th scope="col">Till</th><th scope="col">År</th><th scope="col" class="tal">Belopp</th><th scope="col">Status</th><th scope="col">Projekt</th>{{ if .source }}<th scope="col">Källa</th>{{ end }}</tr>
</thead>
<tbody>
{{ $source := .source -}}
{{ range .lines -}}
<tr>
<td>{{ partialCached "org.html" .fran .fran }}</td>
<td>{{ partialCached "org.html" .till .till }}</td>
<td><a href="/ar/{{ .ar }}/">{{ .ar }}</a></td>
<td class="tal">{{ lang.FormatNumber 0 .belopp }}&nbsp;kr</td>
<td><span class="status status--{{ .status }}">{{ index site.Data.ord.status .status }}</span></td>
<td>{{ partialCached "project-link.html" (.projekt | default "") (.projekt | default "") }}</td>
{{ if $source }}<td class="kalla"><a href="{{ .kalla_url }}">{{ .kalla }}</a></td>{{ end }}
</tr>
{{ with .notering }}<tr class="noteringsrad"><td colspan="7"><span class="notering__etikett">Anmärkning:</span> {{ . }}</td></tr>{{ end }}
{{ end -}}
</tbody>
</table>
</div>
"""

# Rows of sums, one per `key` of the lines (a counterpart or a year), a column per status.
LAYOUTS["partials/pivot.html"] = """
{{ $cells := newScratch -}}
{{ $key := .key -}}
{{ range .lines -}}
{{ $row := string (index . $key) -}}
{{ $cells.SetInMap "rows" $row true -}}
{{ $cells.SetInMap "columns" .status true -}}
{{ $cells.Add (printf "%s|%s" $row .status) .belopp -}}
{{ end -}}
{{ $columns := $cells.Get "columns" -}}
<div class="tabellram" role="region" tabindex="0" aria-label="{{ .caption }}">
<table class="tabell">
<caption>{{ .caption }}</caption>
<thead><tr><th scope="col">{{ .heading }}</th>
{{ range site.Data.ord.statusar }}{{ if index $columns . }}<th scope="col" class="tal">{{ index site.Data.ord.status . }}</th>{{ end }}{{ end }}</tr></thead>
<tbody>
{{ range $row, $_ := $cells.Get "rows" -}}
<tr><th scope="row">{{ if eq $key "ar" }}<a href="/ar/{{ $row }}/">{{ $row }}</a>{{ else }}{{ partialCached "org.html" $row $row }}{{ end }}</th>
{{ range site.Data.ord.statusar }}{{ if index $columns . }}<td class="tal">{{ with $cells.Get (printf "%s|%s" $row .) }}{{ lang.FormatNumber 0 . }}&nbsp;kr{{ else }}–{{ end }}</td>{{ end }}{{ end }}</tr>
{{ end -}}
</tbody>
</table>
</div>
"""

LAYOUTS["beslut/single.html"] = """
{{ define "main" }}
{{ $page := . -}}
<p class="overrubrik">{{ index site.Data.ord.arendetyp .Params.arendetyp }} <span class="skiljetecken" aria-hidden="true">·</span> {{ partialCached "org.html" .Params.stadsdel .Params.stadsdel }}</p>
<h1>{{ .Title }}</h1>
<p class="nedladdning"><a href="{{ with .OutputFormats.Get "json" }}{{ .RelPermalink }}{{ end }}" type="application/json">Ladda ner som JSON</a></p>
<dl class="fakta">
<div><dt>Stadsdelsnämnd</dt><dd>{{ partialCached "org.html" .Params.stadsdel .Params.stadsdel }}</dd></div>
{{ if .Params.datum_saknas -}}
<div><dt>År</dt><dd><a href="/ar/{{ .Date.Year }}/">{{ .Date.Year }}</a> <span class="tomt">(sammanträdesdatum saknas)</span></dd></div>
{{ else -}}
<div><dt>Sammanträde</dt><dd>{{ partial "date.html" . }}</dd></div>
<div><dt>År</dt><dd><a href="/ar/{{ .Date.Year }}/">{{ .Date.Year }}</a></dd></div>
{{ end -}}
{{ with .Params.diarienummer }}<div><dt>Diarienummer</dt><dd>{{ . }}</dd></div>{{ end }}
<div><dt>Typ av ärende</dt><dd>{{ index site.Data.ord.arendetyp .Params.arendetyp }}</dd></div>
<div><dt>Omedelbar justering</dt><dd>{{ if .Params.omedelbar_justering }}Ja{{ else }}Nej{{ end }}</dd></div>
<div><dt>Utfall</dt><dd>{{ with .Params.utfall }}{{ index site.Data.ord.utfall . }}{{ else }}Inte angivet{{ end }}</dd></div>
</dl>
{{ with .Params.forslag -}}
<section aria-labelledby="forslag">
<h2 id="forslag">Förslag till beslut</h2>
<ol class="forslag">
{{ range . }}<li>{{ . }}</li>
{{ end -}}
</ol>
</section>
{{ end -}}
<section aria-labelledby="utfall">
<h2 id="utfall">Nämndens beslut</h2>
{{ with .Params.utfall -}}
<p><span class="utfall utfall--{{ . }}">{{ index site.Data.ord.utfall . }}</span></p>
{{ with $page.Params.utfall_notering }}<p>{{ . }}</p>{{ end }}
{{ else -}}
<p class="tomt">Det framgår inte av underlaget hur nämnden beslutade.</p>
{{ end -}}
</section>
<section aria-labelledby="pengar">
<h2 id="pengar">Pengar</h2>
{{ with .Params.rader -}}
{{ partial "totals.html" . }}
{{ partial "funding-table.html" (dict "lines" . "caption" "Finansieringsrader i beslutet" "source" false) }}
{{ else -}}
<p class="tomt">Beslutet anger inga belopp.</p>
{{ end -}}
</section>
{{ with .Params.projekt -}}
<section aria-labelledby="projekt">
<h2 id="projekt">Projekt som beslutet gäller</h2>
{{ $projects := slice }}{{ range . }}{{ with site.GetPage (printf "/projekt/%s" .) }}{{ $projects = $projects | append . }}{{ end }}{{ end -}}
{{ partial "project-items.html" $projects }}
</section>
{{ end -}}
{{ with .Content -}}
<section aria-labelledby="arendet">
<h2 id="arendet">Tjänsteutlåtandet</h2>
<div class="brodtext">{{ . }}</div>
</section>
{{ end -}}
{{ with .Params.amnen }}<p class="taggar">Ämnen: {{ range . }}<span class="tagg">{{ . }}</span> {{ end }}</p>{{ end }}
{{ end }}
"""

LAYOUTS["projekt/single.html"] = """
{{ define "main" }}
{{ $id := .File.ContentBaseName -}}
<p class="overrubrik">Projekt <span class="skiljetecken" aria-hidden="true">·</span> {{ index site.Data.ord.projektstatus .Params.projektstatus }}</p>
<h1>{{ .Title }}</h1>
<dl class="fakta">
<div><dt>Ägare</dt><dd>{{ partialCached "org.html" .Params.agare .Params.agare }}</dd></div>
{{ with .Params.partner }}<div><dt>Partner</dt><dd><ul class="ren-lista">{{ range . }}<li>{{ partialCached "org.html" . . }}</li>{{ end }}</ul></dd></div>{{ end }}
<div><dt>Period</dt><dd>{{ partial "period.html" . }}</dd></div>
<div><dt>Status</dt><dd>{{ index site.Data.ord.projektstatus .Params.projektstatus }}</dd></div>
</dl>
{{ $lines := newScratch -}}
{{ $decisions := slice -}}
{{ range .Params.beslut -}}
{{ with site.GetPage (printf "/beslut/%s" .) -}}
{{ $decisions = $decisions | append . -}}
{{ $decision := . -}}
{{ range .Params.rader }}{{ if eq .projekt $id }}{{ $lines.Add "rader" (slice (merge . (dict "kalla" $decision.Title "kalla_url" $decision.RelPermalink))) }}{{ end }}{{ end -}}
{{ end -}}
{{ end -}}
{{ $page := . -}}
{{ range .Params.rader }}{{ $lines.Add "rader" (slice (merge . (dict "kalla" $page.Title "kalla_url" $page.RelPermalink))) }}{{ end -}}
<section aria-labelledby="pengar">
<h2 id="pengar">Finansiering</h2>
{{ with $lines.Get "rader" -}}
{{ partial "totals.html" . }}
{{ partial "pivot.html" (dict "lines" . "key" "ar" "heading" "År" "caption" "Finansiering per år och status") }}
{{ partial "funding-table.html" (dict "lines" . "caption" "Alla finansieringsrader för projektet" "source" true) }}
{{ else -}}
<p class="tomt">Inga belopp är registrerade för projektet.</p>
{{ end -}}
</section>
{{ with .Params.budget -}}
<section aria-labelledby="budget">
<h2 id="budget">Budget</h2>
<table class="tabell"><caption>Budget</caption>
<thead><tr><th scope="col">Post</th><th scope="col">År</th><th scope="col" class="tal">Belopp</th></tr></thead>
<tbody>
{{ range . }}<tr><td>{{ .post }}</td><td>{{ .ar }}</td><td class="tal">{{ lang.FormatNumber 0 .belopp }}&nbsp;kr</td></tr>
{{ end -}}
</tbody></table>
</section>
{{ end -}}
<section aria-labelledby="beslut">
<h2 id="beslut">Beslut om projektet</h2>
{{ with $decisions }}{{ partial "decision-items.html" (sort . "Date") }}{{ else }}<p class="tomt">Inga beslut på webbplatsen gäller projektet.</p>{{ end }}
</section>
{{ with .Content }}<section aria-labelledby="om"><h2 id="om">Om projektet</h2><div class="brodtext">{{ . }}</div></section>{{ end }}
{{ end }}
"""

LAYOUTS["beslut/list.html"] = """
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="ingress__text">{{ len .Pages }} beslut, nyast först.</p>
{{ $groups := .Pages.GroupByDate "2006" -}}
<nav class="hoppmeny" aria-label="Hoppa till år"><ul class="lanklista lanklista--rad">
{{ range $groups }}<li><a href="#ar-{{ .Key }}">{{ .Key }}</a></li>{{ end }}
</ul></nav>
{{ range $groups -}}
<section aria-labelledby="ar-{{ .Key }}">
<h2 id="ar-{{ .Key }}">{{ .Key }} <span class="antal">({{ len .Pages }} beslut)</span></h2>
{{ partial "decision-items.html" .Pages }}
</section>
{{ end -}}
{{ end }}
"""

LAYOUTS["projekt/list.html"] = """
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="ingress__text">{{ len .Pages }} projekt.</p>
{{ partial "project-items.html" .Pages.ByTitle }}
{{ end }}
"""

# /stadsdelar/, /finansiarer/, /organisationer/, /ar/: every term with its count.
LAYOUTS["_default/terms.html"] = """
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="poster">
{{ range .Pages.ByTitle -}}
{{ $decisions := where .Pages "Section" "beslut" -}}
<li class="post"><a class="post__rubrik" href="{{ .RelPermalink }}">{{ .Title }}</a>
<p class="post__meta">{{ len $decisions }} beslut <span class="skiljetecken" aria-hidden="true">·</span> {{ len (where .Pages "Section" "projekt") }} projekt</p></li>
{{ end -}}
</ul>
{{ end }}
"""

# One organisation or year: money in and out by counterpart, year and status, its
# decisions by year, its projects and every line that touches it.
LAYOUTS["_default/term.html"] = """
{{ define "main" }}
{{ $id := .Params.id -}}
{{ $year := eq .Data.Plural "ar" -}}
{{ $decisions := where .Pages "Section" "beslut" -}}
{{ $projects := where .Pages "Section" "projekt" -}}
{{ $lines := newScratch -}}
{{ range .Pages -}}
{{ $source := . -}}
{{ range .Params.rader -}}
{{ $line := merge . (dict "kalla" $source.Title "kalla_url" $source.RelPermalink) -}}
{{ if $year }}{{ if eq (string .ar) $id }}{{ $lines.Add "alla" (slice $line) }}{{ end -}}
{{ else -}}
{{ if eq .till $id }}{{ $lines.Add "in" (slice $line) }}{{ $lines.Add "alla" (slice $line) }}{{ end -}}
{{ if eq .fran $id }}{{ $lines.Add "ut" (slice $line) }}{{ if ne .till $id }}{{ $lines.Add "alla" (slice $line) }}{{ end }}{{ end -}}
{{ end -}}
{{ end -}}
{{ end -}}
<p class="overrubrik">{{ if $year }}År{{ else }}{{ with .Params.typ }}{{ index site.Data.ord.organisationstyp . }}{{ end }}{{ with .Params.omrade }} <span class="skiljetecken" aria-hidden="true">·</span> {{ . }}{{ end }}{{ end }}</p>
<h1>{{ .Title }}</h1>
<dl class="fakta">
<div><dt>Beslut på webbplatsen</dt><dd>{{ len $decisions }} beslut</dd></div>
<div><dt>Projekt</dt><dd>{{ len $projects }} projekt</dd></div>
{{ with .OutputFormats.Get "rss" }}<div><dt>Följ</dt><dd><a href="{{ .RelPermalink }}">Nya beslut (RSS-flöde)</a></dd></div>{{ end }}
</dl>
{{ if $year -}}
<section aria-labelledby="pengar">
<h2 id="pengar">Pengar {{ .Title }}</h2>
{{ with $lines.Get "alla" -}}
{{ partial "totals.html" . }}
{{ partial "pivot.html" (dict "lines" . "key" "fran" "heading" "Finansiär" "caption" "Pengar per finansiär och status") }}
{{ partial "pivot.html" (dict "lines" . "key" "till" "heading" "Mottagare" "caption" "Pengar per mottagare och status") }}
{{ else }}<p class="tomt">Inga belopp är registrerade för året.</p>{{ end -}}
</section>
{{ else -}}
<section aria-labelledby="pengar-in">
<h2 id="pengar-in">Pengar till {{ .Title }}</h2>
{{ with $lines.Get "in" -}}
{{ partial "totals.html" . }}
{{ partial "pivot.html" (dict "lines" . "key" "fran" "heading" "Finansiär" "caption" "Pengar in per finansiär och status") }}
{{ partial "pivot.html" (dict "lines" . "key" "ar" "heading" "År" "caption" "Pengar in per år och status") }}
{{ else }}<p class="tomt">Inga belopp till {{ .Title }} är registrerade.</p>{{ end -}}
</section>
<section aria-labelledby="pengar-ut">
<h2 id="pengar-ut">Pengar från {{ .Title }}</h2>
{{ with $lines.Get "ut" -}}
{{ partial "totals.html" . }}
{{ partial "pivot.html" (dict "lines" . "key" "till" "heading" "Mottagare" "caption" "Pengar ut per mottagare och status") }}
{{ partial "pivot.html" (dict "lines" . "key" "ar" "heading" "År" "caption" "Pengar ut per år och status") }}
{{ else }}<p class="tomt">{{ .Title }} har inte registrerats som finansiär av någon annan.</p>{{ end -}}
</section>
{{ end -}}
<section aria-labelledby="beslut">
<h2 id="beslut">Beslut</h2>
{{ range $decisions.GroupByDate "2006" -}}
<h3 id="beslut-{{ .Key }}"><a href="/ar/{{ .Key }}/">{{ .Key }}</a></h3>
{{ partial "decision-items.html" .Pages }}
{{ else }}<p class="tomt">Inga beslut finns på webbplatsen.</p>{{ end -}}
</section>
<section aria-labelledby="projekt">
<h2 id="projekt">Projekt</h2>
{{ with $projects }}{{ partial "project-items.html" .ByTitle }}{{ else }}<p class="tomt">Inga projekt.</p>{{ end }}
</section>
{{ with $lines.Get "alla" -}}
<section aria-labelledby="rader">
<h2 id="rader">Alla finansieringsrader</h2>
{{ partial "funding-table.html" (dict "lines" . "caption" (printf "Finansieringsrader: %s" $.Title) "source" true) }}
</section>
{{ end -}}
{{ end }}
"""

LAYOUTS["index.html"] = """
{{ define "main" }}
{{ $decisions := where site.RegularPages "Section" "beslut" -}}
{{ $projects := where site.RegularPages "Section" "projekt" -}}
{{ $lines := slice -}}
{{ range $decisions }}{{ $lines = $lines | append .Params.rader }}{{ end -}}
<h1>{{ site.Title }}</h1>
<p class="ingress__text">{{ site.Params.description }}</p>
<dl class="fakta">
<div><dt>Beslut</dt><dd><a href="/beslut/">{{ len $decisions }} beslut</a></dd></div>
<div><dt>Projekt</dt><dd><a href="/projekt/">{{ len $projects }} projekt</a></dd></div>
</dl>
<section aria-labelledby="summor"><h2 id="summor">Pengar på webbplatsen</h2>{{ partial "totals.html" $lines }}</section>
<section aria-labelledby="senaste"><h2 id="senaste">Senaste besluten</h2>
{{ partial "decision-items.html" (first 20 $decisions.ByDate.Reverse) }}
</section>
{{ range $plural, $terms := site.Taxonomies -}}
<section aria-labelledby="{{ $plural }}"><h2 id="{{ $plural }}">{{ with site.GetPage $plural }}{{ .Title }}{{ end }}</h2>
<ul class="lanklista lanklista--rad">
{{ range $terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul></section>
{{ end -}}
{{ end }}
"""

LAYOUTS["_default/single.json"] = """
{{- $page := dict "id" .File.ContentBaseName "titel" .Title "url" .Permalink "datum" (.Date.Format "2006-01-02") "rader" (.Params.rader | default slice) -}}
{{- if eq .Section "beslut" -}}
{{- $page = merge $page (dict "stadsdel" .Params.stadsdel "typ" .Params.arendetyp "utfall" .Params.utfall "forslag" .Params.forslag "projekt" .Params.projekt) -}}
{{- else -}}
{{- $page = merge $page (dict "agare" .Params.agare "partner" .Params.partner "budget" .Params.budget "beslut" .Params.beslut) -}}
{{- end -}}
{{- jsonify (dict "indent" "  ") $page -}}
"""

LAYOUTS["_default/term.json"] = """
{{- $decisions := slice -}}
{{- range where .Pages "Section" "beslut" }}{{ $decisions = $decisions | append (dict "id" .File.ContentBaseName "titel" .Title "url" .Permalink) }}{{ end -}}
{{- jsonify (dict "indent" "  ") (dict "id" .Params.id "namn" .Title "url" .Permalink "beslut" $decisions) -}}
"""

LAYOUTS["_default/single.html"] = """
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
"""

LAYOUTS["_default/list.html"] = """
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
"""

LAYOUTS["404.html"] = """
{{ define "main" }}<h1>Sidan finns inte</h1><p><a href="/">Till startsidan</a></p>{{ end }}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.hugo", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "content", type=Path, help="Insyn content folder, or a folder holding content/ and data/"
    )
    parser.add_argument("out", type=Path, help="folder to write the Hugo site into")
    parser.add_argument("--data", type=Path, help="Insyn data folder (default: beside content)")
    options = parser.parse_args(argv)
    content: Path = options.content
    if (content / "content").is_dir():
        content = content / "content"
    data: Path = options.data or content.parent / "data"
    emitted = emit(content, data, options.out)
    print(
        f"wrote {options.out}: {emitted.decisions} decisions, {emitted.projects} projects, "
        f"{emitted.terms} term pages; build it with: {' '.join(hugo_command(options.out, options.out / 'public'))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
