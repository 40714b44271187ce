"""The legacy names of conda.exports: values from the context, computed on first access; deprecated shells."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import conda_exports
import pytest
from conda_exports import legacy
from conda_exports.configuration import context, non_x86_machines
from conda_exports.constants import DEFAULT_CHANNELS, PREFIX_PLACEHOLDER

COMPUTED = (
    "arch_name",
    "binstar_upload",
    "bits",
    "default_prefix",
    "default_python",
    "envs_dirs",
    "pkgs_dirs",
    "platform",
    "root_dir",
    "root_writable",
    "subdir",
    "conda_build",
)


@pytest.fixture(autouse=True)
def fresh_legacy_values() -> Iterator[None]:
    """Forgets the values kept from earlier tests (the package and the module both keep them)."""

    def forget() -> None:
        for name in COMPUTED:
            vars(legacy).pop(name, None)
            vars(conda_exports).pop(name, None)

    forget()
    yield
    forget()


def test_values_come_from_the_context(use_condarc, isolated_config: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "conda-meta").mkdir(parents=True)
    (root / "conda-meta" / "history").write_text("")
    use_condarc(
        f"root_prefix: {root}\nbinstar_upload: true\nsubdir: linux-aarch64\nconda-build:\n  root-dir: /cb\n"
        "pkgs_dirs: [/p1]\ndefault_python: '3.9'\n"
    )
    assert conda_exports.root_dir == str(root)
    assert conda_exports.root_writable is True
    assert conda_exports.binstar_upload is True
    assert conda_exports.subdir == "linux-aarch64"
    assert conda_exports.conda_build == {"root-dir": "/cb"}
    assert conda_exports.pkgs_dirs == ("/p1",)
    assert conda_exports.envs_dirs == (str(root / "envs"), str(isolated_config / ".conda" / "envs"))
    assert conda_exports.default_prefix == str(root)
    assert conda_exports.default_python == "3.9"
    assert conda_exports.bits == context.bits
    assert conda_exports.arch_name == context.arch_name
    assert conda_exports.platform == context.platform


def test_types_on_this_platform() -> None:
    expected = {
        "arch_name": str,
        "binstar_upload": type(None),
        "bits": int,
        "default_prefix": str,
        "default_python": str,
        "envs_dirs": tuple,
        "pkgs_dirs": tuple,
        "platform": str,
        "root_dir": str,
        "root_writable": bool,
        "subdir": str,
        "conda_build": dict,
    }
    for name, kind in expected.items():
        assert type(getattr(conda_exports, name)) is kind, name
    assert conda_exports.bits in (32, 64)
    assert conda_exports.root_dir == os.path.abspath(sys.prefix)
    assert conda_exports.root_writable is False or os.path.isfile(os.path.join(sys.prefix, "conda-meta", "history"))


def test_values_are_kept_from_the_first_access(use_condarc) -> None:
    use_condarc("pkgs_dirs: [/first]\n")
    assert conda_exports.pkgs_dirs == ("/first",)
    use_condarc("pkgs_dirs: [/second]\n")
    assert conda_exports.pkgs_dirs == ("/first",)  # as conda's, fixed once computed
    assert context.pkgs_dirs == ("/second",)


def test_constants_and_six_names() -> None:
    assert conda_exports.PREFIX_PLACEHOLDER == "/opt/anaconda1anaconda2" + "anaconda3"
    assert conda_exports.prefix_placeholder == conda_exports._PREFIX_PLACEHOLDER == PREFIX_PLACEHOLDER
    assert conda_exports.non_x86_linux_machines is non_x86_machines is conda_exports.non_x86_machines
    assert conda_exports.non_x86_machines == {
        "armv6l",
        "armv7l",
        "aarch64",
        "arm64",
        "ppc64",
        "ppc64le",
        "riscv64",
        "s390x",
    }
    assert conda_exports.PY3 is True
    assert conda_exports.string_types is str
    assert conda_exports.text_type is str
    assert conda_exports.DEFAULT_CHANNELS_UNIX == (
        "https://repo.anaconda.com/pkgs/main",
        "https://repo.anaconda.com/pkgs/r",
    )
    assert conda_exports.DEFAULT_CHANNELS_WIN == (
        *conda_exports.DEFAULT_CHANNELS_UNIX,
        "https://repo.anaconda.com/pkgs/msys2",
    )
    assert conda_exports.sys_rc_path == os.path.join(sys.prefix, ".condarc")


def test_get_default_urls_ignores_configuration(use_condarc) -> None:
    use_condarc("default_channels: [https://mirror.example/main]\n")
    assert conda_exports.get_default_urls() == DEFAULT_CHANNELS


def test_get_rc_urls(use_condarc) -> None:
    with pytest.warns(FutureWarning, match="Adding 'defaults' to channel list implicitly is deprecated"):
        assert conda_exports.get_rc_urls() == ["defaults"]
    use_condarc("channels: [conda-forge, bioconda]\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert conda_exports.get_rc_urls() == ["conda-forge", "bioconda"]


def test_get_local_urls_is_the_build_root(use_condarc, isolated_config: Path) -> None:
    assert conda_exports.get_local_urls() == [str(isolated_config / "conda-bld")]
    use_condarc("croot: /builds\n")
    assert conda_exports.get_local_urls() == [os.path.abspath("/builds")]


def test_load_condarc_reads_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rc.yml"
    path.write_text("channels: [from-file]\n")
    monkeypatch.setenv("CONDA_OFFLINE", "true")  # variables still apply, as in conda
    result = conda_exports.load_condarc(str(path))
    assert result is context
    assert context.search_path == (str(path),)
    assert context.channels == ("from-file",)
    assert context.offline is True


@pytest.mark.parametrize(
    "name,call,message",
    [
        (
            "iteritems",
            lambda f: list(f({"a": 1})),
            "conda.exports.iteritems is pending deprecation and will be removed in 25.9. Use builtin `dict.items()` instead.",
        ),
        (
            "Completer",
            lambda f: f(),
            "conda.exports.Completer is pending deprecation and will be removed in 25.9. Unused.",
        ),
        (
            "InstalledPackages",
            lambda f: f(),
            "conda.exports.InstalledPackages is pending deprecation and will be removed in 25.9. Unused.",
        ),
    ],
)
def test_deprecated_shells_warn_like_conda(name: str, call, message: str) -> None:
    shell = getattr(conda_exports, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(shell)
    assert [(w.category, str(w.message)) for w in caught] == [(PendingDeprecationWarning, message)]
    assert caught[0].filename == __file__  # attributed to the caller


def test_deprecated_shells_behave_like_condas() -> None:
    with pytest.warns(PendingDeprecationWarning):
        assert list(conda_exports.iteritems({"a": 1, "b": 2})) == [("a", 1), ("b", 2)]
    assert callable(conda_exports.Completer) and conda_exports.Completer.__name__ == "Completer"
    with pytest.warns(PendingDeprecationWarning):
        completer = conda_exports.Completer()
    completer._get_items = lambda: ["x", "y"]
    assert "anything" in completer
    assert list(completer) == ["x", "y"]
    with pytest.warns(PendingDeprecationWarning):
        assert type(conda_exports.InstalledPackages()).__name__ == "InstalledPackages"


def test_nothing_is_computed_by_import(tmp_path: Path) -> None:
    code = (
        "import conda_exports, conda_exports.legacy as legacy\n"
        "assert 'pkgs_dirs' not in vars(legacy) and 'pkgs_dirs' not in vars(conda_exports)\n"
        "assert not conda_exports.context._loaded\n"
        "conda_exports.pkgs_dirs\n"
        "assert 'pkgs_dirs' in vars(legacy) and conda_exports.context._loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") or k == "CONDA_EXPORTS_BACKEND"}
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.filterwarnings("ignore:conda.exports.KEYS:PendingDeprecationWarning")
def test_every_name_of_these_modules_resolves() -> None:
    from importlib import import_module

    mine = {"context", "constants", "legacy", "exceptions"}
    names = [name for name, module in conda_exports._EXPORTS.items() if module in mine]
    assert len(names) >= 50
    for name in names:
        module = import_module(f"conda_exports.{conda_exports._EXPORTS[name]}")
        value = getattr(conda_exports, name)
        assert value is getattr(module, name) or value == getattr(module, name), name


def test_load_condarc_ignores_a_file_without_a_condarc_name(tmp_path: Path) -> None:
    # conda only reads files named .condarc / condarc or ending in .yml / .yaml
    path = tmp_path / "settings.txt"
    path.write_text("channels: [ignored]\n")
    conda_exports.load_condarc(str(path))
    assert context.search_path == ()


@pytest.mark.parametrize("bad", [None, 3, object(), "malformed"])
def test_load_condarc_that_raises_keeps_the_configuration(tmp_path: Path, bad: object) -> None:
    from conda_exports import MatchSpec, context, load_condarc
    from conda_exports.exceptions import ConfigurationLoadError

    good = tmp_path / "good.yml"
    good.write_text(f"pkgs_dirs: [{tmp_path / 'pkgs'}]\nchannels: [conda-forge]\n")
    load_condarc(str(good))
    before = (context.pkgs_dirs, context.channels)
    if bad == "malformed":
        broken = tmp_path / "broken.yml"
        broken.write_text("pkgs_dirs: [\n")
        with pytest.raises(ConfigurationLoadError, match="broken.yml"):
            load_condarc(str(broken))
    else:
        with pytest.raises(TypeError):
            load_condarc(bad)  # type: ignore[arg-type]
    assert (context.pkgs_dirs, context.channels) == before
    assert str(MatchSpec("conda-forge::numpy")) == "conda-forge::numpy"
