"""Renders pipeline/report.py's data as one self-contained HTML page: inline CSS and SVG, no script,
no font or image from anywhere, every text escaped. Numbers from the manifest carry a
`data-metric` attribute so tests (and scripts) can check them against the manifest."""
from __future__ import annotations

import json
from html import escape
from typing import Iterable, List, Mapping, Sequence, Tuple

BAR = "#3b6ea8"
REJECT = "#c8553d"
ERROR = "#8c2f39"
MUTED = "#8a8f98"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;
padding:24px;color:#1d2125;background:#fbfbfa}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}.muted{color:#6b7280}.ok{color:#1e7b34}.bad{color:#b42318}
table{border-collapse:collapse;margin:6px 0 12px}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}
td:first-child,th:first-child{text-align:left}th{font-weight:600;background:#f1f1ef}
details{margin:2px 0 8px 12px}summary{cursor:pointer;color:#374151}
.example{border-left:3px solid #ddd;margin:6px 0;padding:2px 8px;font-size:13px}
.example .meta{color:#6b7280;font-size:12px;word-break:break-all}pre{background:#f1f1ef;padding:8px;overflow:auto;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:18px}svg text{font:12px system-ui,sans-serif;fill:#1d2125}
"""


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def _cell(value, metric: str = "") -> str:
    attribute = f' data-metric="{escape(metric)}"' if metric else ""
    return f"<td{attribute}>{_n(value)}</td>"


def hbar_chart(rows: Sequence[Tuple[str, Sequence[Tuple[float, str, str]]]], width: int = 640) -> str:
    """Horizontal stacked bars: rows of (label, [(value, colour, tooltip)]), scaled to the largest row."""
    if not rows:
        return ""
    label_width = min(300, 16 + 7 * max(len(label) for label, _ in rows))  # ~7 px a character at 12 px
    top = max(sum(v for v, _, _ in parts) for _, parts in rows) or 1
    bar_width, row_height = width - label_width - 80, 22
    out = [f'<svg width="{width}" height="{row_height * len(rows) + 6}" role="img">']
    for index, (label, parts) in enumerate(rows):
        y = index * row_height + 3
        out.append(f'<text x="0" y="{y + 14}">{escape(label)}</text>')
        x = label_width
        for value, colour, tip in parts:
            w = bar_width * value / top
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{row_height - 6}" '
                           f'fill="{colour}"><title>{escape(tip)}</title></rect>')
            x += w
        total = sum(v for v, _, _ in parts)
        out.append(f'<text x="{x + 6:.1f}" y="{y + 14}">{_n(int(total)) if float(total).is_integer() else total}</text>')
    out.append("</svg>")
    return "".join(out)


def column_chart(counts: Sequence[int], labels: Tuple[str, str], title: str, width: int = 340,
                 height: int = 150) -> str:
    """A histogram as columns, with the range's ends labelled."""
    top = max(counts) or 1
    plot_h, column_w = height - 36, (width - 10) / len(counts)
    out = [f'<svg width="{width}" height="{height}" role="img"><title>{escape(title)}</title>']
    for index, count in enumerate(counts):
        h = plot_h * count / top
        out.append(f'<rect x="{5 + index * column_w:.1f}" y="{18 + plot_h - h:.1f}" width="{column_w - 1:.1f}" '
                   f'height="{h:.1f}" fill="{BAR}"><title>{count:,}</title></rect>')
    out.append(f'<line x1="5" y1="{18 + plot_h}" x2="{width - 5}" y2="{18 + plot_h}" stroke="{MUTED}"/>')
    out.append(f'<text x="5" y="{height - 4}">{escape(labels[0])}</text>')
    out.append(f'<text x="{width - 5}" y="{height - 4}" text-anchor="end">{escape(labels[1])}</text>')
    out.append(f'<text x="5" y="12" fill="{MUTED}">max {top:,}</text></svg>')
    return "".join(out)


def _summary(manifest: Mapping) -> str:
    head = "<tr><th>source</th><th>kind</th><th>read</th><th>written</th><th>rejected</th><th>errors</th>" \
           "<th>tokens</th><th>conserved</th></tr>"
    kinds = {s["name"]: s["kind"] for s in manifest["config"]["sources"]}
    rows = []
    for name, e in manifest["sources"].items():
        conserved = '<span class="ok">yes</span>' if e["conserved"] else '<span class="bad">NO</span>'
        rows.append(f"<tr><td>{escape(name)}</td><td>{escape(kinds.get(name, ''))}</td>"
                    f"{_cell(e['read'], f'read:{name}')}{_cell(e['written'], f'written:{name}')}"
                    f"{_cell(e['rejected_total'], f'rejected:{name}')}{_cell(e['errors_total'], f'errors:{name}')}"
                    f"{_cell(e.get('tokens', 0), f'tokens:{name}')}<td>{conserved}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _funnel_row(source: str, row: Mapping) -> str:
    stage = row["stage"]
    return (f"<tr><td>{escape(stage)}</td>{_cell(row['in'], f'in:{source}:{stage}')}"
            f"{_cell(row['rejected'], f'stage_rejected:{source}:{stage}')}{_cell(row['errors'])}{_cell(row['out'])}</tr>")


def _funnel(funnel: Mapping[str, List[dict]]) -> str:
    parts = []
    for source, rows in funnel.items():
        chart_rows = []
        for row in rows:
            label = f"{row['stage']}"
            chart_rows.append((label, [
                (row["out"], BAR, f"{row['stage']}: {row['out']:,} go on"),
                (row["rejected"], REJECT, f"{row['stage']}: {row['rejected']:,} rejected"),
                (row["errors"], ERROR, f"{row['stage']}: {row['errors']:,} dead-lettered"),
            ]))
        table = "".join(_funnel_row(source, r) for r in rows)
        parts.append(f"<h3>{escape(source)}</h3><div class='grid'><div>{hbar_chart(chart_rows)}</div>"
                     f"<div><table><tr><th>stage</th><th>in</th><th>rejected</th><th>errors</th><th>out</th></tr>"
                     f"{table}</table></div></div>")
    legend = (f'<p class="muted">Bars: <span style="color:{BAR}">■</span> documents that go on, '
              f'<span style="color:{REJECT}">■</span> rejected, <span style="color:{ERROR}">■</span> dead letters.</p>')
    return legend + "".join(parts)


def _flow_index(stage: str) -> int:
    from transforms.registry import STAGE_ORDER

    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def _rejections(manifest: Mapping, funnel: Mapping[str, List[dict]], examples: Mapping) -> str:
    stage_input = {(source, r["stage"]): r["in"] for source, rows in funnel.items() for r in rows}
    by_stage = {}
    for source, entry in manifest["sources"].items():
        for stage, reasons in entry["rejected"].items():
            for reason, count in reasons.items():
                by_stage.setdefault(stage, []).append((reason, source, count))
    parts = []
    for stage, found in sorted(by_stage.items(), key=lambda item: _flow_index(item[0])):
        found.sort(key=lambda item: (-item[2], item[0], item[1]))
        chart = hbar_chart([(f"{reason} · {source}", [(count, REJECT, f"{count:,}")]) for reason, source, count in found])
        rows = []
        for reason, source, count in found:
            base = stage_input.get((source, stage)) or 0
            share = f"{100 * count / base:.1f}%" if base else ""
            rows.append(f"<tr><td>{escape(reason)}</td><td>{escape(source)}</td>"
                        f"{_cell(count, f'reason:{source}:{stage}:{reason}')}<td>{share}</td></tr>")
        samples = []
        for reason, items in examples.get(stage, {}).items():
            shown = "".join(
                f"<div class='example'><div class='meta'>{escape(str(i['source']))} · {escape(str(i['origin']))} · "
                f"{escape(json.dumps(i['measurements'], ensure_ascii=False)[:300])}</div>{escape(i['excerpt'])}</div>"
                for i in items)
            samples.append(f"<details><summary>{escape(reason)}: {len(items)} example(s)</summary>{shown}</details>")
        parts.append(f"<h3>{escape(stage)}</h3><div class='grid'><div>{chart}</div><div><table><tr><th>reason</th>"
                     f"<th>source</th><th>rejected</th><th>of stage input</th></tr>{''.join(rows)}</table></div></div>"
                     + "".join(samples))
    return "".join(parts) or "<p class='muted'>Nothing was rejected.</p>"


def _scores(scores: Mapping) -> str:
    if not scores["charts"]:
        return "<p class='muted'>No kept documents.</p>"
    note = (f"<p class='muted'>From a seeded sample of {scores['sampled']:,} of the {scores['kept_total']:,} "
            f"kept documents.</p>")
    charts = []
    for chart in scores["charts"]:
        low, high = chart["low"], chart["high"]
        labels = (f"10^{low:g}", f"10^{high:g}") if chart["log"] else (f"{low:g}", f"{high:g}")
        charts.append(f"<div><h3>{escape(chart['title'])}</h3>{column_chart(chart['counts'], labels, chart['title'])}"
                      f"<div class='muted'>{chart['n']:,} documents</div></div>")
    return note + f"<div class='grid'>{''.join(charts)}</div>"


def _dedup(clusters: Mapping[int, int], exact: Mapping[int, int]) -> str:
    parts = []
    if clusters:
        parts.append("<h3>Fuzzy-duplicate clusters by size</h3>" + hbar_chart(
            [(f"{size} documents", [(n, BAR, f"{n:,} clusters")]) for size, n in clusters.items()]))
    if exact:
        parts.append("<h3>Kept documents that had exact copies (sampled), by number of copies</h3>" + hbar_chart(
            [(f"{copies} copies", [(n, BAR, f"{n:,} documents")]) for copies, n in exact.items()]))
    return "".join(parts) or "<p class='muted'>No duplicates found.</p>"


def _contamination(decontamination) -> str:
    if not decontamination:
        return "<p class='muted'>decontaminate did not run.</p>"
    benchmarks = decontamination.get("benchmarks") or {}
    common = decontamination.get("common_ngrams") or []
    note = (f"<p class='muted'>Common-usage threshold {decontamination.get('common_usage_threshold')}: "
            f"{len(common):,} n-grams were shared by so many documents that they were ignored.</p>")
    if not benchmarks:
        return note + "<p>No document collided with a benchmark.</p>"
    rows = [(name, entry.get("documents_removed", 0) if isinstance(entry, Mapping) else entry)
            for name, entry in sorted(benchmarks.items())]
    chart = hbar_chart([(name, [(n, REJECT, f"{n:,} documents removed")]) for name, n in rows])
    table = "".join(f"<tr><td>{escape(name)}</td>{_cell(n, f'contamination:{name}')}</tr>" for name, n in rows)
    return note + f"<div class='grid'><div>{chart}</div><table><tr><th>benchmark</th><th>documents removed</th></tr>" \
                  f"{table}</table></div>"


def _tokens(manifest: Mapping, mixtures: Iterable[Mapping]) -> str:
    tokens = manifest.get("tokens_per_source") or {}
    parts = [hbar_chart([(name, [(n, BAR, f"{n:,} tokens")]) for name, n in tokens.items()])]
    shards = manifest.get("shards") or []
    if shards:
        parts.append(f"<p class='muted'>{len(shards):,} shards, {sum(s['bytes'] for s in shards):,} bytes; "
                     f"tokenizer {escape(str((manifest.get('tokenizer') or {}).get('path')))}.</p>")
    for plan in mixtures:
        rows = "".join(f"<tr><td>{escape(name)}</td><td>{e['weight']:.3f}</td>{_cell(e['target_tokens'])}"
                       f"<td>{e['epochs']:.2f}</td></tr>" for name, e in plan.get("sources", {}).items())
        parts.append(f"<h3>Mixture: {escape(str(plan.get('training_stage')))} "
                     f"({plan.get('total_tokens', 0):,} tokens)</h3><table><tr><th>source</th><th>weight</th>"
                     f"<th>target tokens</th><th>epochs</th></tr>{rows}</table>")
    return "".join(parts)


def render(data: Mapping) -> str:
    manifest = data["manifest"]
    conserved = ('<span class="ok">every document read is written, rejected or dead-lettered</span>'
                 if manifest["conserved"] else '<span class="bad">documents were lost: see the manifest</span>')
    config = json.dumps(manifest.get("config"), indent=2, ensure_ascii=False)
    versions = json.dumps({"versions": manifest.get("versions"), "pipeline_options": manifest.get("pipeline_options")},
                          indent=2, ensure_ascii=False)
    body = [
        f"<h1>winnow run report</h1><p class='muted'>{escape(str(manifest.get('output_dir')))} · "
        f"{escape(str(manifest.get('started_at')))} → {escape(str(manifest.get('finished_at')))} · "
        f"{manifest.get('wall_seconds', 0):.1f} s · status {escape(str(manifest.get('status')))}</p><p>{conserved}</p>",
        "<h2>Sources</h2>", _summary(manifest),
        "<h2>Funnel</h2>", _funnel(data["funnel"]),
        "<h2>Rejections by reason</h2>", _rejections(manifest, data["funnel"], data["examples"]),
        "<h2>Scores of kept documents</h2>", _scores(data["scores"]),
        "<h2>Deduplication</h2>", _dedup(data["fuzzy_clusters"], data["scores"]["exact_copies"]),
        "<h2>Benchmark contamination</h2>", _contamination(manifest.get("decontamination")),
        "<h2>Tokens</h2>", _tokens(manifest, data["mixtures"]),
        "<h2>Configuration and versions</h2>",
        f"<details><summary>configuration as run</summary><pre>{escape(config)}</pre></details>",
        f"<details><summary>versions and pipeline options</summary><pre>{escape(versions)}</pre></details>",
    ]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>winnow report · {escape(str(manifest.get('output_dir')))}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
