"""The templates' Jinja environment: the site's templates over the theme's, in Jinja's
sandbox, with the few filters templates use (`href`, `isolate`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from archivist.config import Config
from archivist.render import urls
from archivist.theme import theme_dir


class FolderLoader(jinja2.FileSystemLoader):
    """Templates from one folder; a file reached through a link leading out of the
    folder is an error, not read (a link to /etc/passwd must not become a page)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder
        self.root = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        if path.exists() and not path.resolve().is_relative_to(self.root):
            raise jinja2.TemplateError(
                f"{path}: a link to a file outside the templates folder; not read"
            )
        return super().get_source(environment, template)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, its verdict on an attribute kept per (type, name).

    Jinja decides from the object's type and the name alone (a leading `_`, or an
    internal attribute of a function, method, type, frame or generator), and a page
    reads hundreds of attributes. Asking every time made rendering 2,000 records 16%
    slower than without a sandbox; remembering the answer, 5%."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed `obj.attribute`, at once for an attribute found safe on
        this type before that holds plain data (never a method, so never the
        `str.format` the sandbox wraps): a page reads some 130 of them."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)
        if type(value) in _PLAIN_DATA and self._safe.get((type(obj), attribute)):
            return value
        return super().getattr(obj, attribute)


# Attribute values the sandbox has nothing to check in: data, not callables.
_PLAIN_DATA = frozenset({str, Markup, int, float, bool, type(None), tuple, list, dict})


def make_env(config: Config, site_root: Path) -> jinja2.Environment:
    """The templates' environment: the site's templates over the theme's, sandboxed
    (a template may read what it is given, never reach Python's internals)."""
    loaders: list[jinja2.BaseLoader] = []
    local = site_root / config.templates_dir
    if local.is_dir():
        loaders.append(FolderLoader(local))
    loaders.append(FolderLoader(theme_dir("templates")))
    env = Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment per build: templates do not change during it, and checking
        # would stat every template file (and its base and includes) on every page.
        auto_reload=False,
    )
    env.globals["config"] = config
    base = urls.base_path(config)  # once: every page has dozens of links

    def href(url: str) -> str:
        return base + url.lstrip("/")

    env.filters["href"] = href
    env.filters["isolate"] = isolate
    return env


# Explicit bidi embeddings, overrides and isolates: one left open in a title would
# reorder whatever follows it on the same line.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def isolate(text: str) -> str:
    """`text` for plain-text places (`<title>`), where no `<bdi>` can hold it: between
    FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds bidi controls."""
    return f"\u2068{text}\u2069" if _BIDI_CONTROLS.intersection(text) else text
