"""The ``conda-exports`` command line: ``hash``, ``verify``, ``rm``, ``index``, ``download``, ``doctor``, ``list``."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from typing import Any, Callable, Sequence, TypeVar

from . import __version__, _backend
from .exceptions import CondaError

T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conda-exports", description="conda.exports, standalone and fast.")
    parser.add_argument(
        "--version", action="version", version=f"conda-exports {__version__} ({_backend.BACKEND} backend)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hash_cmd = commands.add_parser(
        "hash",
        help="print '<digest>  <path>' lines, like sha256sum (FILE '-' or none: standard input); "
        "with --check, read such lines from FILEs and check them",
    )
    hash_cmd.add_argument("files", nargs="*", metavar="FILE")
    hash_cmd.add_argument("--algorithm", "-a", default="sha256", help="md5, sha256 (default) or blake3")
    hash_cmd.add_argument("--tag", action="store_true", help="BSD-style lines: 'SHA256 (path) = digest'")
    hash_cmd.add_argument("--check", "-c", action="store_true", help="check the digests listed in FILEs")
    hash_cmd.add_argument("--quiet", action="store_true", help="with --check: do not print OK lines")
    hash_cmd.add_argument("--status", action="store_true", help="with --check: print nothing, exit status only")
    hash_cmd.add_argument("--strict", action="store_true", help="with --check: a malformed line is a failure")
    hash_cmd.add_argument(
        "--ignore-missing", action="store_true", help="with --check: skip listed files that do not exist"
    )

    verify_cmd = commands.add_parser(
        "verify",
        help="check a file against a checksum or size (exit 1 on mismatch); "
        "a cached package archive with no option is checked against its package record",
    )
    verify_cmd.add_argument("file", metavar="FILE")
    verify_cmd.add_argument("--sha256")
    verify_cmd.add_argument("--md5")
    verify_cmd.add_argument("--size", type=int)
    rm_cmd = commands.add_parser("rm", help="remove files, symlinks or trees (like rm -rf; a missing path is fine)")
    rm_cmd.add_argument("paths", nargs="+", metavar="PATH")
    rm_cmd.add_argument("--max-retries", type=int, default=5)
    rm_cmd.add_argument(
        "--no-trash", dest="trash", action="store_false", help="do not rename stuck files to *.conda_trash"
    )
    index_cmd = commands.add_parser(
        "index", help="load a channel's index as get_index does: records per subdir, time taken, cache state"
    )
    index_cmd.add_argument("channels", nargs="+", metavar="CHANNEL", help="a name, URL or local directory")
    index_cmd.add_argument("--platform", help="the subdir besides noarch (default: this machine's)")
    index_cmd.add_argument("--use-cache", action="store_true", help="do not ask servers when a cache exists")
    download_cmd = commands.add_parser(
        "download",
        help="download a URL to a file, verified against the checksums given (exit 1 on mismatch); "
        "the file appears only when it matches",
    )
    download_cmd.add_argument("url", metavar="URL", help="an http(s) or file:// URL")
    download_cmd.add_argument("dest", metavar="DEST", help="the file to write")
    download_cmd.add_argument("--sha256")
    download_cmd.add_argument("--md5")
    download_cmd.add_argument("--size", type=int)
    download_cmd.add_argument("--retries", type=int, default=3)
    doctor_cmd = commands.add_parser(
        "doctor", help="report the installed files of a prefix that were altered (exit 1 when any)"
    )
    doctor_cmd.add_argument("prefix", metavar="PREFIX")
    doctor_cmd.add_argument("--no-sha256", action="store_true", help="check presence, type and size only")
    list_cmd = commands.add_parser("list", help="print the packages installed in a prefix, like `conda list`")
    list_cmd.add_argument("prefix", metavar="PREFIX")
    return parser


def _download(args: argparse.Namespace) -> int:
    from .exceptions import ChecksumMismatchError
    from .transfer import download

    try:
        download(args.url, args.dest, md5sum=args.md5, sha256=args.sha256, size=args.size, retries=args.retries)
    except ChecksumMismatchError as exc:
        print(f"conda-exports download: {exc}", file=sys.stderr, end="")
        return 1
    print(args.dest)
    return 0


def _index(args: argparse.Namespace) -> int:
    import os
    import time

    from .index import load_index

    # a directory given on the command line is a channel (conda would read "a/b" as a channel name)
    channels = [os.path.abspath(c) if os.path.isdir(c) else c for c in args.channels]
    start = time.perf_counter()
    index, report = load_index(channels, prepend=False, platform=args.platform, use_cache=args.use_cache)
    seconds = time.perf_counter() - start
    width = max((len(url) for url, _, _ in report), default=0)
    for url, count, state in report:
        print(f"{url:<{width}}  {count:>9} records  {state}")
    print(f"{len(index)} records in {seconds:.2f} s ({_backend.BACKEND} backend)")
    return 0


def _hash(args: argparse.Namespace) -> int:
    from . import _checksums

    algorithm = _checksums.algorithm(args.algorithm)
    files = args.files or ["-"]
    if args.check:
        return _checksums.check(
            files,
            algorithm,
            quiet=args.quiet,
            status=args.status,
            strict=args.strict,
            ignore_missing=args.ignore_missing,
        )
    return _checksums.print_digests(files, algorithm, tag=args.tag)


def _verify(args: argparse.Namespace) -> int:
    from .hashing import verify

    ok = verify(args.file, sha256=args.sha256, md5=args.md5, size=args.size)
    print(f"{args.file}: {'OK' if ok else 'MISMATCH'}")
    return 0 if ok else 1


#: Work that lasts longer than this shows a progress bar (on a terminal only).
_PROGRESS_AFTER = 0.5


def _with_progress(description: str, work: Callable[[], T]) -> T:
    """``work()``, with a tqdm bar on stderr that appears when it lasts over half a second and
    stderr is a terminal (the kernels report no steps, so the bar shows the time it has taken)."""
    if not sys.stderr.isatty():
        return work()
    import threading

    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome.append((False, exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(_PROGRESS_AFTER)
    if worker.is_alive():
        from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

        with tqdm(desc=description, file=sys.stderr, leave=False, bar_format="{desc}: {elapsed}") as bar:
            while worker.is_alive():
                worker.join(0.1)
                bar.refresh()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _rm(args: argparse.Namespace) -> int:
    from .remove import rm_rf

    status = 0
    for path in args.paths:
        try:
            _with_progress(f"removing {path}", partial(rm_rf, path, max_retries=args.max_retries, trash=args.trash))
        except (CondaError, OSError, ValueError, TypeError) as exc:
            _error("rm", exc)
            status = 1
    return status


def _environment(prefix: str) -> None:
    """Refuses a path that is not an environment, as ``conda list -p`` does."""
    if not os.path.isdir(os.path.join(prefix, "conda-meta")):
        from .exceptions import EnvironmentLocationNotFound

        raise EnvironmentLocationNotFound(os.path.abspath(prefix))


def _doctor(args: argparse.Namespace) -> int:
    from .prefix import verify_prefix

    _environment(args.prefix)
    report = _with_progress(
        f"checking {args.prefix}", lambda: verify_prefix(args.prefix, check_sha256=not args.no_sha256)
    )
    if not report:
        print(f"{args.prefix}: no altered files")
        return 0
    for package, problems in sorted(report.items()):
        print(f"{package}:")
        for problem in problems:
            print(f"  {problem}")
    print(f"{sum(map(len, report.values()))} altered files in {len(report)} packages")
    return 1


def _list(args: argparse.Namespace) -> int:
    from .prefix import prefix_records

    _environment(args.prefix)
    records = sorted(prefix_records(args.prefix), key=lambda r: r.name)
    print(f"# packages in environment at {os.path.abspath(args.prefix)}:")
    print("#")
    print(f"# {'Name':<23} {'Version':<15} {'Build':>15}  Channel")
    for record in records:
        line = f"{record.name:<25} {record.version:<15} {record.build:>15}  "
        features = " ".join(sorted(record.get("features") or ()))
        line += f"[{features}]" if features else ""
        if record.schannel != "defaults":
            line += f"  {record.schannel}"
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {
        "hash": _hash,
        "verify": _verify,
        "rm": _rm,
        "index": _index,
        "download": _download,
        "doctor": _doctor,
        "list": _list,
    }[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        return _closed_pipe()
    except (CondaError, OSError, ValueError) as exc:
        _error(args.command, exc)
        return 2


def _error(command: str, exc: BaseException) -> None:
    """One line on stderr, whatever the message holds."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    print(f"conda-exports {command}: error: {message}", file=sys.stderr)


def _closed_pipe() -> int:
    """The reader went away (``| head``): stop quietly, as coreutils do when SIGPIPE ends them."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail again
    except (OSError, ValueError):
        pass
    return 141
