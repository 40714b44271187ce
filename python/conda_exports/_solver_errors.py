"""``UnsatisfiableError``: conda's explanation of specs that cannot be satisfied together."""

from __future__ import annotations

from typing import Any

from .exceptions import CondaError, _dashlist

_UNSATISFIABLE_MESSAGES = {
    "python": """

The following specifications were found
to be incompatible with the existing python installation in your environment:

Specifications:\n{specs}

Your python: {ref}

If python is on the left-most side of the chain, that's the version you've asked for.
When python appears to the right, that indicates that the thing on the left is somehow
not available for the python version you are constrained to. Note that conda will not
change your python version to a different minor version unless you explicitly specify
that.

""",
    "request_conflict_with_history": """

The following specifications were found to be incompatible with a past
explicit spec that is not an explicit spec in this operation ({ref}):\n{specs}

""",
    "direct": """

The following specifications were found to be incompatible with each other:
""",
    "virtual_package": """

The following specifications were found to be incompatible with your system:\n{specs}

Your installed version is: {ref}
""",
}


def _spec_without_target(dep: Any) -> str:
    try:
        from .models.match_spec import MatchSpec
    except ImportError:  # pragma: no cover - the models ship with the package
        return str(dep)
    return str(MatchSpec(dep, target=None))


class UnsatisfiableError(CondaError):
    """The requested specs conflict; ``bad_deps`` maps a conflict class to its chains of specs."""

    def _format_chain_str(self, bad_deps: Any) -> list[str]:
        """Fold chains that share a path of package names into one line each, sorted by that path."""
        grouped = _group_chains_by_names(bad_deps)
        lines = {
            names: " -> ".join(_render_chain_link(name, specs) for name, specs in zip(names, spec_sets))
            for names, spec_sets in grouped.items()
        }
        return [lines[names] for names in sorted(lines)]

    def __init__(self, bad_deps: Any, chains: bool = True, strict: bool = False) -> None:
        self.unsatisfiable: list[Any] = []
        if len(bad_deps) == 0:
            text = _NO_CONFLICTS_FOUND
        else:
            pieces = []
            for class_name, dep_class in bad_deps.items():
                if not dep_class:
                    continue
                if class_name == "direct":
                    pieces.append(self._describe_direct(dep_class))
                else:
                    pieces.append(self._describe_blocked(class_name, dep_class))
            text = "".join(pieces)
        if strict:
            text += "\nNote that strict channel priority may have removed packages required for satisfiability."
        super().__init__(text)

    def _describe_direct(self, dep_class: Any) -> str:
        """Requested specs that conflict among themselves, grouped by the package each chain ends in."""
        by_package: dict[Any, list[Any]] = {}
        for entry in dep_class:
            chain = entry[0]
            by_package.setdefault(chain[-1].name, []).append(chain)
        text = _UNSATISFIABLE_MESSAGES["direct"].lstrip()
        text += "\nOutput in format: Requested package -> Available versions"
        for package, chains in by_package.items():
            if len(chains) < 2:
                continue
            rendered = (" -> ".join(map(str, chain)) for chain in chains)
            text += f"\n\nPackage {package} conflicts for:\n" + "\n".join(rendered)
            self.unsatisfiable.extend(tuple(chain) for chain in chains)
        return text

    def _describe_blocked(self, class_name: str, dep_class: Any) -> str:
        """Specs blocked by something already there (python, history, a virtual package)."""
        blocker = None
        spec_chains = []
        for dep_chain, chain_blocker in dep_class:
            spec_chains.append([_spec_without_target(spec) for spec in dep_chain])
            blocker = chain_blocker  # the message names the last chain's blocker
        template = _UNSATISFIABLE_MESSAGES[class_name].lstrip()
        return template.format(specs=_dashlist(self._format_chain_str(spec_chains)), ref=blocker)


_NO_CONFLICTS_FOUND = """
Did not find conflicting dependencies. If you would like to know which
packages conflict ensure that you have enabled unsatisfiable hints.

conda config --set unsatisfiable_hints True
            """


def _group_chains_by_names(chains: Any) -> dict[tuple[str, ...], list[set[str]]]:
    """Map each path of package names to the set of version specs seen at every position.

    Longer chains are taken first; a shorter chain whose names are a prefix of known paths
    adds its specs to all of them instead of starting a path of its own.
    """
    grouped: dict[tuple[str, ...], list[set[str]]] = {}
    for chain in sorted(chains, key=len, reverse=True):
        links = [link.partition(" ") for link in chain[1:]]
        names = (chain[0], *(name for name, _, _ in links))
        specs = ("", *(spec for _, _, spec in links))
        width = len(names)
        matching = [known for known in grouped if known[:width] == names]
        if not matching:
            grouped[names] = [{spec} for spec in specs]
            continue
        for known in matching:
            for seen, spec in zip(grouped[known], specs):
                seen.add(spec)
    return grouped


def _render_chain_link(name: str, specs: set[str]) -> str:
    """``name a|b`` for one link; a bare name where no spec was given, ``*`` mixed in where some lacked one."""
    if "" in specs:
        specs = specs - {""}
        if specs:
            specs.add("*")
    if name[0] == "@":
        name = "feature:" + name[1:]
    return f"{name} {'|'.join(sorted(specs))}" if specs else name
