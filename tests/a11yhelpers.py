"""Helpers for the accessibility tests (tests/browser/test_accessibility.py, docs/accessibility.md):
axe-core injected into the page, the same-origin crawl, and the layout, clipping and focus
checks run in the page.

axe-core comes from the npm registry, pinned by tests/browser/package-lock.json and installed by
`make install` (`npm ci`); Playwright injects it into Debian's Chromium (no browser download).
"""

from __future__ import annotations

import os
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what GB/T 37668-2019 asks of a government site.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Never followed: signing out, machine outputs and downloads (not HTML pages), the Django
# admin (not our templates), the API browser (Swagger UI, a third-party application).
SKIP_PREFIXES = ("/accounts/logout", "/admin/", "/api/", "/feed/", "/work/ics/", "/media/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".xml", ".json", ".txt", ".docx", "/pdf")
SKIP_ROUTES = {"work/attachments/<int:pk>/", "healthz", "ping"}


def axe_path() -> Path:
    """The installed axe.min.js; skips (fails with REQUIRE_SERVICES=1, as in CI) without it."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `make install` (npm ci in tests/browser)"
        if os.environ.get("REQUIRE_SERVICES", "") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1: {message}", pytrace=False)
        pytest.skip(message)
    return AXE


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A+AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300),
                })),
            }));
        }""",
        WCAG_TAGS,
    )


def describe_violations(url: str, violations: list[dict]) -> list[str]:
    """One readable line per violation: URL, rule id, impact, what it means, the selectors."""
    lines = []
    for v in violations:
        targets = "; ".join(n["target"] for n in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        first = v["nodes"][0]["summary"].replace("\n", " ") if v["nodes"] else ""
        lines.append(
            f"{url}: [{v['id']}] impact={v['impact']} — {v['help']}\n"
            f"    at: {targets}{more}\n    why: {first}"
        )
    return lines


SIDEWAYS_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Elements that cut off their own text: overflow hidden/clip (or text-overflow: ellipsis)
# with content wider or taller than the box. The visually-hidden pattern (1 px, clipped on
# purpose, read by screen readers) is not text a sighted reader is meant to see.
CLIPPED_JS = """() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const s = getComputedStyle(el);
        const hides = v => v === 'hidden' || v === 'clip';
        if (!hides(s.overflowX) && !hides(s.overflowY)) continue;
        if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually hidden
        if (s.visibility === 'hidden' || s.display === 'none') continue;
        const text = (el.innerText || '').trim();
        if (!text) continue;
        const wide = hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const tall = hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
        if (wide || tall) {
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            out.push(`${name} "${text.slice(0, 40)}" ` +
                `(${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
        }
    }
    return out;
}"""


@dataclass
class Crawl:
    """Breadth-first over the same-origin links of one signed-in (or anonymous) context.

    Pages are deduplicated by URL route (the resolver's pattern), at most ``per_route`` URLs of
    each, so that a list of 36 tasks costs a few task pages, not 36."""

    page: object
    site: str
    role: str
    per_route: int = 2
    visit: object = None  # callback(page, url) -> problems, run on each HTML page
    seen: set = field(default_factory=set)
    routes: Counter = field(default_factory=Counter)
    pages: list = field(default_factory=list)
    broken: list = field(default_factory=list)

    def route(self, url: str) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.site:
            return None
        path = parts.path
        if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            self.broken.append((url, "no URL pattern"))
            return None
        return None if match.route in SKIP_ROUTES else match.route

    def run(self, starts: list[str]) -> list[str]:
        problems: list[str] = []
        queue = deque(self.site + s if s.startswith("/") else s for s in starts)
        while queue:
            url = urldefrag(queue.popleft())[0]
            if url in self.seen:
                continue
            self.seen.add(url)
            route = self.route(url)
            if route is None or self.routes[route] >= self.per_route:
                continue
            response = self.page.goto(url)
            if response is None or response.status >= 400:
                self.broken.append((url, response.status if response else "no response"))
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            self.routes[route] += 1
            self.pages.append(url)
            problems += self.visit(self.page, url)
            hrefs = self.page.eval_on_selector_all(
                "a[href]:not([download])", "els => els.map(e => e.href)"
            )
            queue.extend(h for h in hrefs if urldefrag(h)[0] not in self.seen)
        return problems


# Focus: before each key press every focusable element's unfocused outline and box-shadow are
# remembered; after it, the focused element must draw a non-zero outline or a box-shadow that
# its unfocused self does not, and lie inside the viewport.
FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)

SNAPSHOT_JS = (
    """() => {
    window.__unfocused = new WeakMap();
    for (const el of document.querySelectorAll(`"""
    + FOCUSABLE
    + """`)) {
        if (el === document.activeElement) continue;
        const s = getComputedStyle(el);
        const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
        window.__unfocused.set(el, {outline, shadow: s.boxShadow});
    }
}"""
)

FOCUS_JS = """async () => {
    // after the styles of the new focus are computed (a date input focuses its inner field
    // a frame later)
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    if (!document.activeElement.matches(':focus')) await new Promise(done => setTimeout(done, 300));
    const el = document.activeElement;
    if (!el || el === document.body) return {tag: 'body'};
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const before = (window.__unfocused && window.__unfocused.get(el)) ||
        {outline: '', shadow: 'none'};
    const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
    const drawsOutline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 &&
        !/rgba\\(\\d+, \\d+, \\d+, 0\\)|transparent/.test(s.outlineColor);
    const drawsShadow = s.boxShadow !== 'none';
    const visible = (drawsOutline && outline !== before.outline) ||
        (drawsShadow && s.boxShadow !== before.shadow);
    const inView = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
        r.top < innerHeight && r.left < innerWidth;
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '')
        .trim().slice(0, 40);
    return {tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '', name,
            href: el.getAttribute('href') || '', visible, focus: el.matches(':focus'),
            pageFocused: document.hasFocus(), inView, outline, shadow: s.boxShadow,
            rect: [r.left, r.top, r.width, r.height].map(Math.round)};
}"""
