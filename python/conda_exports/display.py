"""``display_actions``: conda 25.1's transaction summary ("## Package Plan ##"), printed exactly.

The input is the legacy action dict that ``conda.exports.display_actions`` takes: ``PREFIX``
(the environment), ``FETCH`` (packages to download), ``LINK`` and ``UNLINK`` (packages to
add and to take away), each a list of ``Dist`` keys of ``index``, and ``SYMLINK_CONDA``. As
conda's does, the function swaps those three lists in the caller's dict for the records
they name (callers may rely on it), and a Dist missing from ``index`` raises ``KeyError``.

Every package named by LINK or UNLINK lands in one section: NEW (linked only), REMOVED
(unlinked only), and for a package in both UPDATED, DOWNGRADED or SUPERSEDED by comparing
versions (``normalized_version``), build numbers and, where both records carry one,
channel ``priority`` (a smaller number wins).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from .constants import DEFAULTS_CHANNEL_NAME
from .utils import human_bytes

__all__ = ["display_actions"]

#: What a record with no known channel shows (conda's ``UNKNOWN_CHANNEL``).
UNKNOWN_CHANNEL = "<unknown>"
_REMOVAL = "is deprecated and will be removed in 25.3. Unused."
_ARROW = " --> "
_INDENT = " " * 4
_SECTIONS = (
    ("new", "The following NEW packages will be INSTALLED:"),
    ("removed", "The following packages will be REMOVED:"),
    ("updated", "The following packages will be UPDATED:"),
    ("superseded", "The following packages will be SUPERSEDED by a higher-priority channel:"),
    ("downgraded", "The following packages will be DOWNGRADED:"),
)


def display_actions(
    actions: MutableMapping[str, Any],
    index: Mapping[Any, Any],
    show_channel_urls: bool | None = None,
    specs_to_remove: Iterable[Any] = (),
    specs_to_add: Iterable[Any] = (),
) -> None:
    """Prints the plan of ``actions`` to stdout as conda 25.1 does, byte for byte.

    ``show_channel_urls`` None takes the context's setting; then the ``defaults`` channel is
    not shown (True shows every channel, False none). Warns ``DeprecationWarning`` as
    conda 25.1's does (it is deprecated there, to go in 25.3).
    """
    warnings.warn(f"conda.plan.display_actions {_REMOVAL}", DeprecationWarning, stacklevel=2)
    for key in ("FETCH", "LINK", "UNLINK"):
        if key in actions:
            actions[key] = [index[dist] for dist in actions[key]]
    if show_channel_urls is None:
        from .configuration import context

        show_channel_urls = context.show_channel_urls
    lines = _header(actions, specs_to_remove, specs_to_add)
    if actions.get("FETCH"):
        lines += _downloads(actions["FETCH"], bool(index), show_channel_urls)
    changes = _Changes(actions.get("LINK") or (), actions.get("UNLINK") or (), show_channel_urls)
    lines += changes.sections()
    if not changes.packages and actions.get("SYMLINK_CONDA"):
        lines += ["", "The following empty environments will be CREATED:", "", str(actions["PREFIX"])]
    lines.append("")
    print("\n".join(lines))


def _header(actions: Mapping[str, Any], specs_to_remove: Iterable[Any], specs_to_add: Iterable[Any]) -> list[str]:
    """The plan's title block; it ends with the blank line the next section's first line needs."""
    lines = ["", "## Package Plan ##", ""]
    prefix = actions.get("PREFIX")
    if prefix:
        lines += [f"  environment location: {prefix}", ""]
    for label, specs in (("removed specs", specs_to_remove), ("added / updated specs", specs_to_add)):
        if specs:  # conda tests the argument itself: an exhausted generator still prints the label
            lines += [f"  {label}: ", *(f"    - {name}" for name in sorted(str(spec) for spec in specs)), ""]
    return lines


def _shown(channel: str, show_channel_urls: bool | None) -> str:
    """A channel name as the plan shows it: none when hidden, and ``defaults`` only when asked for."""
    if show_channel_urls is False or (show_channel_urls is None and channel == DEFAULTS_CHANNEL_NAME):
        return ""
    return channel


def _downloads(records: list[Any], with_total: bool, show_channel_urls: bool | None) -> list[str]:
    warnings.warn(f"conda.plan.print_dists {_REMOVAL}", DeprecationWarning, stacklevel=3)
    row = "    {:<27}|{:>17}"
    lines = ["", "The following packages will be downloaded:", "", row.format("package", "build")]
    lines.append(row.format("-" * 27, "-" * 17))
    for record in records:
        line = row.format(f"{record.name}-{record.version}", record.build) + f"{human_bytes(record['size']):>15}"
        channel = _shown(record.channel.canonical_name, show_channel_urls)
        lines.append(f"{line}  {channel}" if channel else line)
    if with_total and len(records) > 1:
        total = sum(record["size"] for record in records)
        lines += [_INDENT + "-" * 60, " " * 43 + f"Total: {human_bytes(total):>14}"]
    return lines


def _channel_of(record: Any) -> str:
    """The channel a LINK / UNLINK line names: ``schannel``, else from ``url``, else ``channel``."""
    from .models.channel import Channel

    if record.get("schannel"):
        return str(record["schannel"])
    for key in ("url", "channel"):
        if record.get(key):
            return str(Channel(record[key]).canonical_name)
    return UNKNOWN_CHANNEL


class _Side:
    """One package on one side of the plan (before or after): its text, channel, features, record."""

    __slots__ = ("channel", "features", "record", "version")

    def __init__(self, record: Any = None) -> None:
        self.record = record
        self.version = "" if record is None else f"{record['version']}-{record['build']}"
        self.channel = "" if record is None else _channel_of(record)
        self.features = "" if record is None else ",".join(record.get("features") or ())


class _Changes:
    """LINK and UNLINK paired by package name, sorted into the plan's sections and laid out in columns."""

    def __init__(self, link: Iterable[Any], unlink: Iterable[Any], show_channel_urls: bool | None) -> None:
        self.show = show_channel_urls
        pairs: dict[str, list[_Side]] = {}
        for record in link:
            pairs.setdefault(record["name"], [_Side(), _Side()])[1] = _Side(record)
        for record in unlink:
            pairs.setdefault(record["name"], [_Side(), _Side()])[0] = _Side(record)
        #: name -> (left, right); a new package is shown in the left column, as conda does
        self.packages: dict[str, tuple[_Side, _Side]] = {}
        self.kind: dict[str, str] = {}
        for name, (old, new) in pairs.items():
            if not old.version:
                self.packages[name], self.kind[name] = (new, old), "new"
            elif not new.version:
                self.packages[name], self.kind[name] = (old, new), "removed"
            else:
                self.packages[name], self.kind[name] = (old, new), _direction(old.record, new.record)

    def sections(self) -> list[str]:
        if not self.packages:
            return []
        sides = list(self.packages.values())
        name_width = max(len(name) for name in self.packages) + 1
        widths = [
            (
                max(len(pair[i].version) for pair in sides),
                max(len(_shown(pair[i].channel, self.show)) for pair in sides),
                max(len(pair[i].features) for pair in sides),
            )
            for i in (0, 1)
        ]
        lines: list[str] = []
        for kind, title in _SECTIONS:
            names = sorted(name for name, k in self.kind.items() if k == kind)
            if not names:
                continue
            lines += ["", title, ""]
            for name in names:
                left, right = self.packages[name]
                text = f"{_INDENT}{name + ':':<{name_width}} " + self._column(left, *widths[0])
                if kind not in ("new", "removed"):
                    text += _ARROW + self._column(right, *widths[1], leading_space=False)
                lines.append(text)
        return lines

    def _column(
        self, side: _Side, version_width: int, channel_width: int, features_width: int, leading_space: bool = True
    ) -> str:
        text = f"{side.version:<{version_width}}"
        if channel_width:
            text += f" {_shown(side.channel, self.show):<{channel_width}}"
        if side.features:
            text += f" [{side.features:<{features_width}}]"
        return text


def _direction(old: Any, new: Any) -> str:
    """``updated``, ``downgraded`` or ``superseded`` for a package in both LINK and UNLINK (conda's rules)."""
    from .configuration import context
    from .models.version import normalized_version

    old_priority, new_priority = old.get("priority"), new.get("priority")
    if old_priority is None or new_priority is None:
        old_priority = new_priority = 1
    try:
        if str(new.version) == "custom":
            newer = str(old.version) != "custom"
            older = not newer
        else:
            old_version, new_version = normalized_version(old.version), normalized_version(new.version)
            newer, older = old_version < new_version, old_version > new_version
    except TypeError:
        newer, older = old.version < new.version, old.version > new.version
    older_build = old.build_number > new.build_number
    newer_build = old.build_number < new.build_number
    higher_priority = new_priority < old_priority
    if context.channel_priority and higher_priority and (older or not newer and not newer_build):
        return "superseded"
    if newer:
        return "updated"
    if higher_priority and (older or not newer and older_build):
        return "superseded"
    if older:
        return "downgraded"
    return "downgraded" if older_build else "updated"
