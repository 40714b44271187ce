"""Every name conda 25.1's ``conda.exports`` defines imports from ``conda_exports``, in one statement.

The conda-only names (``Resolve``, ``plan``, ``execute_actions``, ...) are conda's own objects
where conda is importable and placeholders raising ``CondaRequiredError`` elsewhere; the
deprecated constants warn as conda's do; importing the package imports no conda module.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import conda_exports
import pytest
from conda_exports import conda_only, legacy
from conda_exports.exceptions import CondaError, UnsatisfiableError

PYTHON_DIR = str(Path(conda_exports.__file__).resolve().parent.parent)
CONDA_REF_SRC = os.environ.get("CONDA_REF_SRC")
CONDA_REF_PYTHON = os.environ.get("CONDA_REF_PYTHON") or sys.executable

# The public names of conda 25.1.1's conda.exports: sorted(n for n in dir(conda.exports) if
# not n.startswith("__")), without the private _display_actions, _download, _get_index and
# the stdlib modules errno, functools and os it imports for its own use; then the five names
# its module __getattr__ serves (deprecated.constant), which dir() does not list.
CONDA_EXPORTS_NAMES = (
    "ACTIVE_SUBPROCESSES", "ArgumentParser", "Channel", "Completer", "CondaError",
    "CondaFileNotFoundError", "CondaHTTPError", "CondaOSError", "CondaSession", "DEFAULT_CHANNELS",
    "DEFAULT_CHANNELS_UNIX", "DEFAULT_CHANNELS_WIN", "Dist", "EntityEncoder", "FileMode",
    "InstalledPackages", "LinkError", "LockError", "MatchSpec", "NoPackagesFound",
    "NoPackagesFoundError", "PREFIX_PLACEHOLDER", "PY3", "PaddingError", "PathNotFoundError",
    "PathType", "ProgressiveFetchExtract", "Resolve", "ResolvePackageNotFound", "Solver",
    "StringIO", "TemporaryDirectory", "TmpDownload", "Unsatisfiable", "UnsatisfiableError",
    "VersionOrder", "_PREFIX_PLACEHOLDER", "_symlink_conda_hlp", "_toposort", "add_parser_channels",
    "add_parser_prefix", "arch_name", "binstar_upload", "bits", "cache_fn_url", "compat",
    "conda_build", "context", "default_prefix", "default_python", "delete_prefix_from_linked_data",
    "delete_trash", "deprecated", "display_actions", "dist_str_in_index", "download", "envs_dirs",
    "execute_actions", "execute_instructions", "execute_plan", "get_conda_build_local_url",
    "get_default_urls", "get_index", "get_local_urls", "get_rc_urls", "hash_file", "human_bytes",
    "input", "install_actions", "is_linked", "iteritems", "lchmod", "linked", "linked_data",
    "load_condarc", "non_x86_linux_machines", "non_x86_machines", "normalized_version", "on_win",
    "package_cache", "pkgs_dirs", "plan", "platform", "prefix_placeholder", "reset_context",
    "rm_rf", "root_dir", "root_writable", "spec_from_line", "specs_from_args", "specs_from_url",
    "string_types", "subdir", "subprocess_call", "symlink_conda", "sys_rc_path", "text_type",
    "untracked", "url_path", "verify", "walk_prefix",
    "move_to_trash", "KEYS", "KEYS_DIR", "unix_path_to_win", "win_path_to_unix",
)  # fmt: skip

# The same names as one import statement, for the subprocesses.
IMPORT_ALL = f"from conda_exports import ({', '.join(CONDA_EXPORTS_NAMES)})"

# What conda 25.1.1 warns when each deprecated constant is read (run with -W always).
_REMOVAL = "is pending deprecation and will be removed in 25.9."
CONDA_WARNINGS = {
    "move_to_trash": f"conda.exports.move_to_trash {_REMOVAL} Use `conda.gateways.disk.delete.rm_rf` instead.",
    "KEYS": f"conda.exports.KEYS {_REMOVAL} Unused.",
    "KEYS_DIR": f"conda.exports.KEYS_DIR {_REMOVAL} Unused.",
    "unix_path_to_win": f"conda.exports.unix_path_to_win {_REMOVAL} Use `conda.common.path.unix_path_to_win` instead.",
    "win_path_to_unix": f"conda.exports.win_path_to_unix {_REMOVAL} Use `conda.common.path.win_path_to_unix` instead.",
}

# Makes "conda" unimportable in a subprocess whatever sys.path holds.
BLOCK_CONDA = textwrap.dedent(
    """
    import sys

    class BlockConda:
        def find_spec(self, name, path=None, target=None):
            if name == "conda" or name.startswith("conda."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, BlockConda())
    """
)


def run(code: str, *, python: str = sys.executable, path: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Runs ``code`` in a fresh interpreter with our package (and ``path``) importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "PYTHON"))}
    env.update(PYTHONPATH=os.pathsep.join((PYTHON_DIR, *path)), CONDARC=os.devnull)
    result = subprocess.run(
        [python, "-W", "always", "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result


def needs_conda() -> str:
    if not CONDA_REF_SRC:
        pytest.skip("CONDA_REF_SRC is not set (source /work/ref/env.sh)")
    return CONDA_REF_SRC


@pytest.fixture
def forget_values() -> Iterator[None]:
    """Forgets the context-derived values the import computes (as test_legacy expects)."""
    yield
    for name in legacy._FROM_CONTEXT:
        vars(legacy).pop(name, None)
        vars(conda_exports).pop(name, None)


def test_the_list_is_conda_25_1s_less_ours_nothing() -> None:
    assert len(set(CONDA_EXPORTS_NAMES)) == len(CONDA_EXPORTS_NAMES) == 106
    assert set(CONDA_EXPORTS_NAMES) <= set(conda_exports.__all__)
    assert set(conda_only.CONDA_ONLY) <= set(CONDA_EXPORTS_NAMES)


@pytest.mark.usefixtures("forget_values")
def test_one_statement_imports_everything_without_conda() -> None:
    if importlib.util.find_spec("conda") is not None:
        pytest.skip("conda is importable in this process")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from conda_exports import (  # noqa: F401, I001
            ACTIVE_SUBPROCESSES, ArgumentParser, Channel, Completer, CondaError, CondaFileNotFoundError,
            CondaHTTPError, CondaOSError, CondaSession, DEFAULT_CHANNELS, DEFAULT_CHANNELS_UNIX,
            DEFAULT_CHANNELS_WIN, Dist, EntityEncoder, FileMode, InstalledPackages, LinkError, LockError,
            MatchSpec, NoPackagesFound, NoPackagesFoundError, PREFIX_PLACEHOLDER, PY3, PaddingError,
            PathNotFoundError, PathType, ProgressiveFetchExtract, Resolve, ResolvePackageNotFound, Solver,
            StringIO, TemporaryDirectory, TmpDownload, Unsatisfiable, UnsatisfiableError, VersionOrder,
            _PREFIX_PLACEHOLDER, _symlink_conda_hlp, _toposort, add_parser_channels, add_parser_prefix,
            arch_name, binstar_upload, bits, cache_fn_url, compat, conda_build, context, default_prefix,
            default_python, delete_prefix_from_linked_data, delete_trash, deprecated, display_actions,
            dist_str_in_index, download, envs_dirs, execute_actions, execute_instructions, execute_plan,
            get_conda_build_local_url, get_default_urls, get_index, get_local_urls, get_rc_urls, hash_file,
            human_bytes, input, install_actions, is_linked, iteritems, lchmod, linked, linked_data,
            load_condarc, non_x86_linux_machines, non_x86_machines, normalized_version, on_win,
            package_cache, pkgs_dirs, plan, platform, prefix_placeholder, reset_context, rm_rf, root_dir,
            root_writable, spec_from_line, specs_from_args, specs_from_url, string_types, subdir,
            subprocess_call, symlink_conda, sys_rc_path, text_type, untracked, url_path, verify,
            walk_prefix, move_to_trash, KEYS, KEYS_DIR, unix_path_to_win, win_path_to_unix,
        )  # fmt: skip
    # each deprecated constant warns once, as ``from conda.exports import ...`` does
    assert sorted(str(w.message) for w in caught) == sorted(CONDA_WARNINGS.values())
    assert {w.category for w in caught} == {PendingDeprecationWarning}
    assert {w.filename for w in caught} == {__file__}
    assert Unsatisfiable is UnsatisfiableError
    assert ACTIVE_SUBPROCESSES == set()
    assert on_win is (sys.platform == "win32")
    assert KEYS is None and KEYS_DIR is None
    assert move_to_trash is rm_rf
    with pytest.raises(conda_only.CondaRequiredError, match=r"^Resolve needs conda: install conda to use it$"):
        Resolve()


def test_one_statement_imports_everything_with_conda_blocked() -> None:
    code = """
import conda_exports, sys
assert isinstance(plan, type(sys)) and plan.__name__ == "conda.plan", plan
assert ACTIVE_SUBPROCESSES == set()
try:
    install_actions("/prefix", {}, ["python"])
except conda_exports.CondaError as error:
    print(error)
print(sorted(m for m in sys.modules if m == "conda" or m.startswith("conda.")))
"""
    lines = run(BLOCK_CONDA + IMPORT_ALL + code).stdout.splitlines()
    assert lines == ["install_actions needs conda: install conda to use it", "[]"]


def test_one_statement_imports_everything_with_conda() -> None:
    src = needs_conda()
    code = f"""
        import json, sys
        {IMPORT_ALL}
        import conda.core.solve, conda.exports, conda.gateways.subprocess, conda.plan, conda.resolve
        print(json.dumps({{
            "Resolve": Resolve is conda.resolve.Resolve,
            "Solver": Solver is conda.core.solve.Solver,
            "plan": plan is conda.plan,
            "install_actions": install_actions is conda.exports.install_actions,
            "ArgumentParser": ArgumentParser is conda.exports.ArgumentParser,
            "compat": compat is conda.exports.compat,
            "deprecated": deprecated is conda.exports.deprecated,
            "ACTIVE_SUBPROCESSES": ACTIVE_SUBPROCESSES is conda.gateways.subprocess.ACTIVE_SUBPROCESSES,
            "Unsatisfiable": Unsatisfiable is UnsatisfiableError,
        }}))
    """
    result = run(code, python=CONDA_REF_PYTHON, path=(src,))
    assert json.loads(result.stdout) == dict.fromkeys(
        (
            "Resolve",
            "Solver",
            "plan",
            "install_actions",
            "ArgumentParser",
            "compat",
            "deprecated",
            "ACTIVE_SUBPROCESSES",
            "Unsatisfiable",
        ),
        True,
    )


def test_the_conda_module_is_imported_at_first_access_only() -> None:
    src = needs_conda()
    code = """
        import sys

        def conda_modules():
            return sorted(m for m in sys.modules if m == "conda" or m.startswith("conda."))

        import conda_exports
        conda_exports.MatchSpec, conda_exports.on_win, conda_exports.rm_rf, conda_exports.Unsatisfiable
        print(conda_modules())
        resolve = conda_exports.Resolve
        print("conda.resolve" in conda_modules(), "conda.exports" in conda_modules(), "conda.plan" in conda_modules())
    """
    assert run(code, python=CONDA_REF_PYTHON, path=(needs_conda(),)).stdout.splitlines() == [
        "[]",
        "True False False",
    ]
    assert src


def test_import_is_cheap(tmp_path: Path) -> None:
    # a conda that fails loudly when imported: importing conda_exports must not touch it
    (tmp_path / "conda").mkdir()
    (tmp_path / "conda" / "__init__.py").write_text("raise RuntimeError('conda was imported')\n")
    code = """
        import sys
        import conda_exports
        conda_exports.MatchSpec, conda_exports.on_win, conda_exports.StringIO, conda_exports.Unsatisfiable
        print(sorted(m for m in sys.modules if m == "conda" or m.startswith("conda.")))
    """
    assert run(code, path=(str(tmp_path),)).stdout.split() == ["[]"]
    code = """
        import sys
        import conda_exports
        print(sorted(m for m in sys.modules if m.startswith("conda") and not m.startswith("conda_exports._")))
    """
    assert run(code, path=(str(tmp_path),)).stdout.split() == ["['conda_exports']"]


def test_the_warnings_are_condas(recwarn: pytest.WarningsRecorder) -> None:
    for name, message in CONDA_WARNINGS.items():
        for _ in range(2):  # every read warns, as conda's
            with pytest.warns(PendingDeprecationWarning) as caught:
                getattr(conda_exports, name)
            assert [str(w.message) for w in caught] == [message]
            assert caught[0].filename == __file__


def test_the_warnings_equal_condas_live() -> None:
    src = needs_conda()
    code = f"""
        import json, warnings
        import conda.exports
        import conda_exports
        out = {{}}
        for module in (conda.exports, conda_exports):
            for name in {sorted(CONDA_WARNINGS)!r}:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    getattr(module, name)
                out.setdefault(module.__name__, []).append([(w.category.__name__, str(w.message)) for w in caught])
        print(json.dumps(out))
    """
    out = json.loads(run(code, python=CONDA_REF_PYTHON, path=(src,)).stdout)
    assert out["conda_exports"] == out["conda.exports"]
    assert out["conda_exports"] == [[["PendingDeprecationWarning", CONDA_WARNINGS[n]]] for n in sorted(CONDA_WARNINGS)]


def test_move_to_trash_removes(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "file").write_text("x")
    with pytest.warns(PendingDeprecationWarning):
        move_to_trash = conda_exports.move_to_trash
    move_to_trash(str(tree))
    assert not tree.exists()


def test_plain_names() -> None:
    assert conda_exports.on_win is (sys.platform == "win32")
    assert conda_exports.StringIO is __import__("io").StringIO
    assert conda_exports.input is __import__("builtins").input
    from conda_exports.configuration import ConfigurationWarning

    assert conda_exports.ConfigurationWarning is ConfigurationWarning
    assert issubclass(ConfigurationWarning, UserWarning)
    assert conda_exports.Unsatisfiable is conda_exports.UnsatisfiableError is UnsatisfiableError


# --- the placeholders, built directly (this process may have conda) -------------------------


def test_class_placeholder() -> None:
    Resolve = conda_only.placeholder("Resolve")
    assert Resolve.__name__ == "Resolve" and Resolve.__module__ == "conda_exports"
    with pytest.raises(conda_only.CondaRequiredError, match=r"^Resolve needs conda: install conda to use it$") as info:
        Resolve({}, {})
    assert isinstance(info.value, CondaError) and info.value.what == "Resolve"
    assert not isinstance(object(), Resolve) and not issubclass(int, Resolve) and issubclass(Resolve, Resolve)
    assert isinstance(Resolve, type)
    with pytest.raises(conda_only.CondaRequiredError, match=r"^Resolve\.get_pkgs needs conda"):
        Resolve.get_pkgs  # noqa: B018
    assert not hasattr(Resolve, "get_pkgs")  # the error is an AttributeError too
    assert not hasattr(Resolve, "__wrapped__")

    class Sub(Resolve):  # subclassing at import time works; instantiating does not
        pass

    with pytest.raises(conda_only.CondaRequiredError, match="^Resolve needs conda"):
        Sub()


def test_function_placeholder() -> None:
    execute_plan = conda_only.placeholder("execute_plan")
    assert execute_plan.__name__ == "execute_plan" and callable(execute_plan)
    with pytest.raises(conda_only.CondaRequiredError, match=r"^execute_plan needs conda: install conda to use it$"):
        execute_plan([], None)


def test_module_placeholder() -> None:
    plan = conda_only.placeholder("plan")
    compat = conda_only.placeholder("compat")
    assert isinstance(plan, type(sys)) and plan.__name__ == "conda.plan" and compat.__name__ == "conda.common.compat"
    assert "placeholder" in repr(plan)
    with pytest.raises(conda_only.CondaRequiredError, match=r"^plan\.execute_actions needs conda"):
        plan.execute_actions  # noqa: B018
    with pytest.raises(conda_only.CondaRequiredError, match=r"^compat\.on_win needs conda"):
        compat.on_win  # noqa: B018
    assert not hasattr(plan, "install_actions")
    assert not hasattr(plan, "__path__")


def test_object_and_set_placeholders() -> None:
    deprecated = conda_only.placeholder("deprecated")
    with pytest.raises(conda_only.CondaRequiredError, match=r"^deprecated needs conda"):
        deprecated("25.3", "25.9")
    with pytest.raises(conda_only.CondaRequiredError, match=r"^deprecated\.constant needs conda"):
        deprecated.constant  # noqa: B018
    assert conda_only.placeholder("ACTIVE_SUBPROCESSES") == set()


def test_the_reason_is_given_when_conda_is_broken(tmp_path: Path) -> None:
    fake = tmp_path / "conda"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("__version__ = '0.0'\n")
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "solve.py").write_text("import no_such_dependency_xyz\n")
    (fake / "resolve.py").write_text("class Resolve:\n    pass\n")
    (fake / "plan.py").write_text("")
    code = """
        import conda_exports, conda.resolve
        assert conda_exports.Resolve is conda.resolve.Resolve
        for name in ("Solver", "execute_actions"):
            try:
                getattr(conda_exports, name)()
            except conda_exports.CondaError as error:
                print(error)
    """
    assert run(code, path=(str(tmp_path),)).stdout.splitlines() == [
        "Solver needs conda: install conda to use it (importing conda.core.solve failed: "
        "No module named 'no_such_dependency_xyz')",
        "execute_actions needs conda: install conda to use it (conda 0.0 has no conda.plan.execute_actions)",
    ]


def test_no_submodule_shares_a_public_name() -> None:
    """``conda_exports.context`` / ``.plan`` are conda's objects; no module of ours can replace them."""
    package = Path(conda_exports.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir() if p.is_dir()}
    assert sorted(modules & set(conda_exports.__all__)) == []
    plan, context = conda_exports.plan, conda_exports.context
    importlib.import_module("conda_exports.display")
    importlib.import_module("conda_exports.configuration")
    assert conda_exports.plan is plan and conda_exports.context is context
