"""Saved views a presenter steps through (Arrow keys / Page Up-Down in presentation mode).

A story is an ordered list of app URLs with titles, kept in a JSON file named by the
S3_STORIES setting. The stepper adds ?present=1&story=<id>&step=<n> to each view.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from .data.schema import DataError


@dataclass(frozen=True)
class View:
    title: str
    path: str
    query: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    views: tuple[View, ...]


def load_stories(path: Path) -> dict[str, Story]:
    path = Path(path)
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"is not valid JSON ({exc.msg})", row=exc.lineno) from exc
    stories = {}
    for i, s in enumerate(raw.get("stories", [])):
        if not isinstance(s, dict) or not s.get("id") or not isinstance(s.get("views"), list) or not s["views"]:
            raise DataError(path, "each story needs an id and a non-empty list of views", row=i + 1, column="stories")
        views = []
        for j, v in enumerate(s["views"]):
            url = str(v.get("url", "")) if isinstance(v, dict) else ""
            parts = urlsplit(url)
            if not url.startswith("/") or parts.scheme or parts.netloc:
                raise DataError(path, f"view {j + 1} of story '{s['id']}' needs a path inside the app, like '/?q=health'",
                                row=i + 1, column="url")
            views.append(View(str(v.get("title") or url), parts.path or "/", tuple(parse_qsl(parts.query))))
        stories[str(s["id"])] = Story(str(s["id"]), str(s.get("title") or s["id"]), tuple(views))
    return stories


@lru_cache(maxsize=4)
def stories_from(path: str) -> dict[str, Story]:
    return load_stories(Path(path))


def step_url(story: Story, step: int) -> str:
    """The app path and query of a story's step, in presentation mode."""
    view = story.views[step - 1]
    query = [(k, v) for k, v in view.query if k not in {"present", "story", "step", "embed"}]
    query += [("present", "1"), ("story", story.id), ("step", str(step))]
    return f"{view.path}?{urlencode(query)}"


def stepper(stories: dict[str, Story], query: str) -> dict | None:
    """Where a presenter is in a story: title, step, and the previous/next URLs (None at the ends)."""
    q = dict(parse_qsl((query or "").lstrip("?")))
    story = stories.get(q.get("story", ""))
    if story is None:
        return None
    raw = q.get("step", "")
    step = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    step = min(max(step, 1), len(story.views))
    return {
        "story": story.title, "step": step, "steps": len(story.views), "title": story.views[step - 1].title,
        "prev": step_url(story, step - 1) if step > 1 else None,
        "next": step_url(story, step + 1) if step < len(story.views) else None,
        "first": step_url(story, 1),
    }
