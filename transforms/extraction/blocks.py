"""Text blocks with link density, and the rules that keep the article's blocks.

Input is resiliparse's `minimal_html` rendering (only `<p>`, `<h1-6>`, lists, `<pre>`, `<br>` and
links survive), read by a regex tokenizer (walking resiliparse's DOM from Python costs ~10x more).
Each block gets its word count and the words inside links, as in Boilerpipe (Kohlschütter et al.,
2010). Two selections:

- Inside a content container (`select_root_text`): the container is already the article, so blocks
  are kept in order except link debris (menus, tag lists), headed sections with no real text after
  the article ("Related articles") and short unfinished lines at the very end ("Tags: ...").
- Over a whole page (`select_main_text`): the main content is the contiguous run of blocks with the
  largest sum of (words outside links - words inside links - a per-block cost), a maximum-subarray
  search: long paragraphs carry short headings and captions between them, while link lists and
  one-line widgets at either end cost more than they bring. A heading or a solid paragraph just
  outside the run joins it (the title, the lead), and hollow sections and a ragged tail leave it.
"""
from __future__ import annotations

import dataclasses
import html as html_entities
import re
from typing import List, Sequence

WORD = re.compile(r"\w+")
# Ideographic scripts have no spaces; two characters count as one word so thresholds carry over.
IDEOGRAPHIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
TOKEN = re.compile(r"<(/?)([a-z0-9]+)[^>]*>|([^<]+)")
BLOCK_TAGS = {"p": "p", "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "pre": "pre", "li": "li"}
SPACES = re.compile(r"[ \r\f\v\u00a0]+")


def count_words(text: str) -> int:
    words = len(WORD.findall(text))
    ideographs = len(IDEOGRAPHIC.findall(text))
    return words + ideographs // 2 if ideographs else words


@dataclasses.dataclass
class Block:
    kind: str  # p, h, li, pre or text (a line of inline content outside any block element)
    text: str
    words: int
    link_words: int
    ordinal: int = 0  # position in an ordered list, 0 otherwise

    @property
    def link_density(self) -> float:
        return self.link_words / self.words if self.words else 0.0

    @property
    def own_words(self) -> int:
        return self.words - self.link_words


def parse_blocks(minimal_html: str) -> List[Block]:
    """resiliparse minimal_html -> blocks in document order."""
    blocks: List[Block] = []
    pieces: List[tuple] = []  # (text, inside_link)
    state = {"kind": "text", "in_link": False, "ordered": [], "ordinal": 0}

    def flush(kind: str) -> None:
        if not pieces:
            return
        text = "".join(t for t, _ in pieces)
        if kind == "pre":
            text = text.strip("\n")
        else:
            text = "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
            text = re.sub(r"\n{2,}", "\n", text)
        if text.strip():
            link_words = 0 if kind == "pre" else sum(count_words(t) for t, linked in pieces if linked)
            ordinal = state["ordinal"] if kind == "li" and state["ordered"] and state["ordered"][-1] else 0
            blocks.append(Block(kind, text, count_words(text), link_words, ordinal))
        pieces.clear()

    for match in TOKEN.finditer(minimal_html):
        closing, tag, text = match.groups()
        if text is not None:
            text = html_entities.unescape(text)
            if state["kind"] == "text" and "\n" in text:
                # Outside block elements a newline ends a line, and a line is a block.
                for i, part in enumerate(text.split("\n")):
                    if i:
                        flush("text")
                    if part:
                        pieces.append((part, state["in_link"]))
            else:
                pieces.append((text, state["in_link"]))
        elif tag == "a":
            state["in_link"] = not closing
        elif tag == "br":
            if state["kind"] == "text":
                flush("text")
            else:
                pieces.append(("\n", False))
        elif tag in ("ul", "ol"):
            flush(state["kind"])
            if closing:
                if state["ordered"]:
                    state["ordered"].pop()
            else:
                state["ordered"].append(tag == "ol")
                state["ordinal"] = 0
            state["kind"], state["in_link"] = "text", False
        elif tag in BLOCK_TAGS:
            flush(state["kind"])
            if tag == "li" and not closing:
                state["ordinal"] += 1
            state["kind"] = "text" if closing else BLOCK_TAGS[tag]
            state["in_link"] = False  # a link never spans blocks; an unclosed <a> must not taint the page
    flush(state["kind"])
    return blocks


def main_region(blocks: Sequence[Block], block_cost: float = 5.0, link_penalty: float = 1.0) -> List[bool]:
    """Mark the contiguous run of blocks with the largest content score (Kadane's algorithm)."""
    best = current = 0.0
    start = best_start = 0
    best_end = -1
    for i, block in enumerate(blocks):
        value = block.own_words - link_penalty * block.link_words - block_cost
        if current <= 0:
            current, start = value, i
        else:
            current += value
        if current > best:
            best, best_start, best_end = current, start, i
    return [best_start <= i <= best_end for i in range(len(blocks))]


def _solid(block: Block, min_words: int) -> bool:
    return block.own_words >= min_words and block.link_density < 0.3


def widen_region(blocks: Sequence[Block], keep: List[bool], min_words: int = 10, max_gap: int = 1) -> List[bool]:
    """Pull in headings and solid paragraphs just before the region (title, lead, standfirst) and
    solid paragraphs just after it, jumping over at most `max_gap` weak blocks."""
    kept = [i for i, k in enumerate(keep) if k]
    if not kept:
        return keep
    keep = list(keep)
    first, last = kept[0], kept[-1]
    gap, i = 0, first - 1
    while i >= 0 and gap <= max_gap:
        if blocks[i].kind == "h" or _solid(blocks[i], min_words):
            keep[i:first] = [True] * (first - i)
            first, gap = i, 0
        else:
            gap += 1
        i -= 1
    gap, i = 0, last + 1
    while i < len(blocks) and gap <= max_gap:
        if _solid(blocks[i], min_words):
            keep[last + 1:i + 1] = [True] * (i - last)
            last, gap = i, 0
        else:
            gap += 1
        i += 1
    return keep


def _is_solid(block: Block, min_words: int) -> bool:
    return block.kind == "pre" or (block.own_words >= min_words and block.link_density < 0.5)


def drop_hollow_sections(blocks: Sequence[Block], keep: List[bool], min_words: int = 15,
                         keep_inner_text_sections: bool = False) -> List[bool]:
    """Drop a heading and the blocks under it when none of them is a real paragraph or code: "Related
    articles" over a link list, "Leave a reply" over a form's labels.

    With `keep_inner_text_sections` (inside a known content root) a section of short items without
    links before the article's last paragraph stays: an ingredient list, a summary in bullets. Sections
    after the last paragraph still go unless they hold real text: that is where "More on this topic",
    contact boxes and newsletter pitches sit."""
    kept = [i for i, k in enumerate(keep) if k]
    keep = list(keep)
    solid = [position for position, i in enumerate(kept) if _is_solid(blocks[i], min_words)]
    last_solid = solid[-1] if solid else -1
    position = 0
    while position < len(kept):
        heading = blocks[kept[position]]
        if heading.kind != "h" or heading.own_words >= min_words:  # a long "heading" is a paragraph
            position += 1
            continue
        end = position + 1
        while end < len(kept) and blocks[kept[end]].kind != "h":
            end += 1
        body = [blocks[kept[j]] for j in range(position + 1, end)]
        if not any(_is_solid(b, min_words) for b in body) and not (
                keep_inner_text_sections and _is_text_section(body, trailing=position > last_solid)):
            for j in range(position, end):
                keep[kept[j]] = False
        position = end
    return keep


def _is_text_section(body: Sequence[Block], trailing: bool) -> bool:
    words = sum(b.words for b in body)
    link_words = sum(b.link_words for b in body)
    if not words or link_words > (0.3 if trailing else 0.5) * words:
        return False
    return not trailing or words - link_words >= 20


_ENDS_SENTENCE = re.compile(r"[.!?:;)\"'»“”…。！？]\s*$")


def trim_tail(blocks: Sequence[Block], keep: List[bool], max_words: int = 9) -> List[bool]:
    """Drop short unfinished lines and link lines from the end of the text ("Tags: a, b", "Explore
    further", "Share"), stopping at the first real sentence, code block or plain list item."""
    keep = list(keep)
    for i in range(len(blocks) - 1, -1, -1):
        if not keep[i]:
            continue
        block = blocks[i]
        if block.kind == "pre" or (block.kind == "li" and not block.link_words):
            break
        if (block.words < max_words and not _ENDS_SENTENCE.search(block.text)) or block.link_density > 0.5:
            keep[i] = False
        else:
            break
    return keep


def is_link_debris(block: Block) -> bool:
    """A block that is (nearly) all link text and short, or a list item of links: menus, tag clouds,
    "read more" lines. Long linked sentences stay (a link spanning a paragraph is still prose)."""
    if block.link_density > 0.8 and (len(block.text) < 100 or block.kind == "li"):
        return True
    return block.words <= 3 and block.link_words > 0 and block.kind != "h"


def select_root_text(minimal_html: str) -> tuple:
    """Inside a content root: drop link debris, hollow sections and a ragged tail; keep the rest in
    order. Returns (text, blocks kept)."""
    blocks = parse_blocks(minimal_html)
    keep = [not is_link_debris(b) for b in blocks]
    keep = drop_hollow_sections(blocks, keep, keep_inner_text_sections=True)
    keep = trim_tail(blocks, keep)
    return render(blocks, keep), sum(keep)


def render(blocks: Sequence[Block], keep: Sequence[bool]) -> str:
    """Kept blocks as training text: a blank line between paragraphs, headings and code; list items
    and table rows one per line with their bullets or numbers; code with its whitespace."""
    out: List[str] = []
    previous_kind = None
    for block, kept in zip(blocks, keep):
        if not kept:
            continue
        if block.kind == "li":
            text = (f"{block.ordinal}. " if block.ordinal else "- ") + block.text
        else:
            text = block.text
        if out:
            tight = block.kind in ("li", "text") and previous_kind == block.kind
            out.append("\n" if tight else "\n\n")
        out.append(text)
        previous_kind = block.kind
    return "".join(out)


def select_main_text(minimal_html: str) -> str:
    blocks = parse_blocks(minimal_html)
    keep = main_region(blocks)
    keep = widen_region(blocks, keep)
    keep = drop_hollow_sections(blocks, keep)
    return render(blocks, trim_tail(blocks, keep))
